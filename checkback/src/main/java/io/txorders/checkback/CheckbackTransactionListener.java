package io.txorders.checkback;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers broker check-backs for a producer group from the owning database. It only
 * answers: a process that uses it never runs local transactions of its own.
 */
public class CheckbackTransactionListener implements TransactionListener {

	private static final Logger log = LoggerFactory.getLogger(CheckbackTransactionListener.class);

	private final TransactionBarrier barrier;

	public CheckbackTransactionListener(TransactionBarrier barrier) {
		this.barrier = barrier;
	}

	@Override
	public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
		// Never called: this process sends nothing. Should it happen, let the check-back
		// decide.
		log.error("checkback received a local transaction to run for message {}; it only answers check-backs",
				msg.getKeys());
		return LocalTransactionState.UNKNOW;
	}

	@Override
	public LocalTransactionState checkLocalTransaction(MessageExt msg) {
		String txId = msg.getUserProperty(TransactionIds.PROPERTY);
		TransactionResolution resolution;
		if (txId == null || txId.isBlank()) {
			// Not one of ours, or a producer bug: keep it visible (UNKNOWN, then the
			// broker's
			// check-max topic) rather than guess either way.
			log.error("check-back for message {} (keys {}) has no '{}' property; answering UNKNOWN", msg.getMsgId(),
					msg.getKeys(), TransactionIds.PROPERTY);
			resolution = TransactionResolution.UNKNOWN;
		}
		else {
			resolution = this.barrier.resolve(txId);
		}
		log.info("check-back: message {} keys {} tx {} -> {}", msg.getMsgId(), msg.getKeys(), txId, resolution);
		return toState(resolution);
	}

	public static LocalTransactionState toState(TransactionResolution resolution) {
		return switch (resolution) {
			case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
			case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
			case UNKNOWN -> LocalTransactionState.UNKNOW;
		};
	}

}
