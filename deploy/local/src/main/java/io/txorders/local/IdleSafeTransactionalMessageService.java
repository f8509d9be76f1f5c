package io.txorders.local;

import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.broker.transaction.queue.MessageQueueOpContext;
import org.apache.rocketmq.broker.transaction.queue.TransactionalMessageBridge;
import org.apache.rocketmq.broker.transaction.queue.TransactionalMessageServiceImpl;

/**
 * The broker's transactional message service without the busy loop of RocketMQ 5.5.0's op
 * batch thread (apache/rocketmq issue 10966, open when this was written).
 * <p>
 * After a COMMIT or ROLLBACK the broker queues an "op" record per half queue and a thread
 * writes them in batches. {@code batchSendOpMessage()} returns when to run next; once
 * every queue is drained it returns 0 ("at once") because it computes the time from the
 * last write, which is in the past. The thread then spins on an empty map and keeps one
 * core at 100% for as long as the broker runs idle between transactions: on a 2-core
 * laptop, half the machine with no traffic at all.
 * <p>
 * Here "at once" is kept only when an op record is really waiting (a batch that
 * overflowed its size limit); otherwise the thread sleeps one op batch interval, which is
 * what the upstream fix proposes. New deletes still wake it.
 */
final class IdleSafeTransactionalMessageService extends TransactionalMessageServiceImpl {

	private final long interval;

	IdleSafeTransactionalMessageService(BrokerController broker) {
		super(new TransactionalMessageBridge(broker, broker.getMessageStore()));
		this.interval = broker.getBrokerConfig().getTransactionOpBatchInterval();
	}

	@Override
	public long batchSendOpMessage() {
		long next = super.batchSendOpMessage();
		long now = System.currentTimeMillis();
		if (next > now || opRecordsWaiting()) {
			return next;
		}
		return now + this.interval;
	}

	private boolean opRecordsWaiting() {
		for (MessageQueueOpContext context : getDeleteContext().values()) {
			if (context.getTotalSize().get() > 0 && !context.getContextQueue().isEmpty()) {
				return true;
			}
		}
		return false;
	}

}
