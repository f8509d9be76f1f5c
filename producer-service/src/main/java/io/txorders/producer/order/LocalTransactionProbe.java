package io.txorders.producer.order;

import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;

/**
 * Points inside the order's local transaction where tests (and, later, the fault harness)
 * can pause, fail or change the answer. The production bean does nothing.
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

	LocalTransactionProbe NONE = new LocalTransactionProbe() {
	};

}
