package io.txorders.producer.faults;

import java.nio.file.Path;

import io.txorders.faults.CrashSwitch;
import io.txorders.producer.order.LocalTransactionProbe;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fault harness's crash points in placing an order, armed only when
 * {@code txorders.faults.crash-point} names one of them (never in production
 * configuration):
 * <ul>
 * <li>{@code after-half-sent}: the broker stored the half message; the local transaction
 * has not begun;</li>
 * <li>{@code inside-local-transaction}: every row written, not committed;</li>
 * <li>{@code after-local-commit}: committed in the database, COMMIT not yet sent to the
 * broker;</li>
 * <li>{@code after-broker-commit}: the broker has the answer; the client has no
 * response.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("txorders.faults.crash-point")
class CrashPoints {

	@Bean
	LocalTransactionProbe crashPointProbe(@Value("${txorders.faults.crash-point}") String point,
			@Value("${txorders.faults.crash-at:1}") int crashAt,
			@Value("${txorders.faults.signal-file:#{null}}") Path signalFile) {
		CrashSwitch crash = new CrashSwitch(point, crashAt, signalFile);
		return new LocalTransactionProbe() {

			@Override
			public void beforeLocalTransaction(String txId) {
				crash.reached("after-half-sent", txId);
			}

			@Override
			public void beforeCommit(String txId) {
				crash.reached("inside-local-transaction", txId);
			}

			@Override
			public RocketMQLocalTransactionState answer(String txId, RocketMQLocalTransactionState state) {
				if (state == RocketMQLocalTransactionState.COMMIT) {
					crash.reached("after-local-commit", txId);
				}
				return state;
			}

			@Override
			public void afterBrokerAnswered(String txId) {
				crash.reached("after-broker-commit", txId);
			}

		};
	}

}
