package io.txorders.producer.order;

import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;

/**
 * Points inside the order's local transaction where tests and the fault harness's crash
 * points ({@code io.txorders.producer.faults}) can pause, fail, crash or change the
 * answer. The production bean does nothing.
 */
public interface LocalTransactionProbe {

	/** The half message is stored on the broker; the local transaction has not begun. */
	default void beforeLocalTransaction(String txId) {
	}

	/** Every row is written; the local transaction is still open. */
	default void beforeCommit(String txId) {
	}

	/** The answer about to go to the broker; a test may replace it. */
	default RocketMQLocalTransactionState answer(String txId, RocketMQLocalTransactionState state) {
		return state;
	}

	/**
	 * The order is placed and the broker has the answer (or the end-transaction call
	 * failed after the local commit); the HTTP response has not been written.
	 */
	default void afterBrokerAnswered(String txId) {
	}

	LocalTransactionProbe NONE = new LocalTransactionProbe() {
	};

}
