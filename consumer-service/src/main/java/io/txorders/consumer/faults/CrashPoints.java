package io.txorders.consumer.faults;

import java.nio.file.Path;

import io.txorders.consumer.messaging.ConsumerProbe;
import io.txorders.consumer.messaging.IncomingMessage;
import io.txorders.consumer.messaging.Outcome;
import io.txorders.faults.CrashSwitch;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fault harness's crash points in applying an effect, armed only when
 * {@code txorders.faults.crash-point} names one of them (never in production
 * configuration):
 * <ul>
 * <li>{@code consumer-inside-effect}: the dedupe row is written, the effect's transaction
 * is open;</li>
 * <li>{@code consumer-before-reply-commit}: inventory's effect is committed, its reply's
 * half message is not committed on the broker;</li>
 * <li>{@code consumer-before-ack}: the effect is committed, the broker has no
 * acknowledgement.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("txorders.faults.crash-point")
class CrashPoints {

	@Bean
	ConsumerProbe crashPointProbe(@Value("${txorders.faults.crash-point}") String point,
			@Value("${txorders.faults.crash-at:1}") int crashAt,
			@Value("${txorders.faults.signal-file:#{null}}") Path signalFile) {
		CrashSwitch crash = new CrashSwitch(point, crashAt, signalFile);
		return new ConsumerProbe() {

			@Override
			public void insideEffect(String group, IncomingMessage message) {
				crash.reached("consumer-inside-effect", group + " " + message.eventType() + " " + message.key());
			}

			@Override
			public void beforeReplyCommit(String group, IncomingMessage message) {
				crash.reached("consumer-before-reply-commit", group + " " + message.key());
			}

			@Override
			public void afterApplied(String group, IncomingMessage message, Outcome outcome) {
				crash.reached("consumer-before-ack", group + " " + message.eventType() + " " + message.key());
			}

		};
	}

}
