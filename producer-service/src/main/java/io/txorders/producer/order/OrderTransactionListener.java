package io.txorders.producer.order;

import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.checkback.TransactionAlreadyResolvedException;
import io.txorders.checkback.TransactionBarrier;
import io.txorders.checkback.TransactionIds;
import io.txorders.checkback.TransactionResolution;
import org.apache.rocketmq.spring.annotation.RocketMQTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.messaging.Message;

/**
 * Runs the order's local transaction between the half message and its COMMIT/ROLLBACK,
 * and answers the broker's check-backs from the order database through the barrier.
 */
@RocketMQTransactionListener(corePoolSize = 4, maximumPoolSize = 8)
class OrderTransactionListener implements RocketMQLocalTransactionListener {

	private static final Logger log = LoggerFactory.getLogger(OrderTransactionListener.class);

	private final OrderLocalTransaction localTransaction;

	private final TransactionBarrier barrier;

	private final LocalTransactionProbe probe;

	private final MeterRegistry meters;

	private final OrderCancellations cancellations;

	OrderTransactionListener(OrderLocalTransaction localTransaction, OrderCancellations cancellations,
			TransactionBarrier barrier, ObjectProvider<LocalTransactionProbe> probe, MeterRegistry meters) {
		this.localTransaction = localTransaction;
		this.cancellations = cancellations;
		this.barrier = barrier;
		// Tests register a probe; in production there is none.
		this.probe = probe.getIfAvailable(() -> LocalTransactionProbe.NONE);
		this.meters = meters;
	}

	@Override
	public RocketMQLocalTransactionState executeLocalTransaction(Message msg, Object arg) {
		if (arg instanceof CancelAttempt cancel) {
			RocketMQLocalTransactionState state = this.probe.answer(cancel.txId(),
					this.cancellations.runLocalTransaction(cancel));
			this.meters.counter("txorders.local.transactions", "kind", "cancel", "answer", state.name()).increment();
			return state;
		}
		PlaceOrderAttempt attempt = (PlaceOrderAttempt) arg;
		RocketMQLocalTransactionState state;
		try {
			this.probe.beforeLocalTransaction(attempt.txId());
			this.localTransaction.write(attempt);
			attempt.finished(PlaceOrderAttempt.Outcome.PLACED);
			state = RocketMQLocalTransactionState.COMMIT;
		}
		catch (TransactionAlreadyResolvedException ex) {
			log.warn("order {}: a check-back already rolled back transaction {}; not placed", attempt.order().getId(),
					attempt.txId());
			attempt.finished(PlaceOrderAttempt.Outcome.REJECTED_BY_CHECKBACK);
			state = RocketMQLocalTransactionState.ROLLBACK;
		}
		catch (DuplicateKeyException ex) {
			// Same user and Idempotency-Key as an existing order (the race the up-front
			// lookup misses).
			attempt.finished(PlaceOrderAttempt.Outcome.IDEMPOTENT_REPLAY);
			state = RocketMQLocalTransactionState.ROLLBACK;
		}
		catch (RuntimeException ex) {
			attempt.failed(ex);
			if (attempt.failedAtCommit()) {
				// The COMMIT itself failed (connection lost, timeout): it may or may not
				// have
				// happened. The check-back reads the database and answers exactly.
				log.warn("order {}: commit outcome unknown, leaving it to the check-back: {}", attempt.order().getId(),
						ex.toString());
				state = RocketMQLocalTransactionState.UNKNOWN;
			}
			else {
				// Failed before the commit: the database rolled the transaction back.
				log.warn("order {}: local transaction failed and rolled back: {}", attempt.order().getId(),
						ex.toString());
				state = RocketMQLocalTransactionState.ROLLBACK;
			}
		}
		state = this.probe.answer(attempt.txId(), state);
		this.meters.counter("txorders.local.transactions", "kind", "place", "answer", state.name()).increment();
		return state;
	}

	@Override
	public RocketMQLocalTransactionState checkLocalTransaction(Message msg) {
		Object txId = msg.getHeaders().get(TransactionIds.PROPERTY);
		TransactionResolution resolution = (txId != null) ? this.barrier.resolve(txId.toString())
				: TransactionResolution.UNKNOWN;
		if (txId == null) {
			log.error("check-back for a message without '{}' property: {}", TransactionIds.PROPERTY, msg.getHeaders());
		}
		log.info("check-back for transaction {} -> {}", txId, resolution);
		return switch (resolution) {
			case COMMIT -> RocketMQLocalTransactionState.COMMIT;
			case ROLLBACK -> RocketMQLocalTransactionState.ROLLBACK;
			case UNKNOWN -> RocketMQLocalTransactionState.UNKNOWN;
		};
	}

}
