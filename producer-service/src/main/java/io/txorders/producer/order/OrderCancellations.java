package io.txorders.producer.order;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.txorders.checkback.TransactionBarrier;
import io.txorders.checkback.TransactionIds;
import io.txorders.producer.messaging.DuplicateMessageDetector;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cancels orders: the status change and OrderCancelled commit together (half message
 * first, then the local transaction in the listener), so every consumer group hears of
 * each cancel exactly when it happened.
 */
@Service
public class OrderCancellations {

	private static final Logger log = LoggerFactory.getLogger(OrderCancellations.class);

	private final RocketMQTemplate rocketMQTemplate;

	private final OrderSettings settings;

	private final OrderMapper orders;

	private final OrderHistoryMapper history;

	private final OrderQueries queries;

	private final TransactionBarrier barrier;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	private final OrderMetrics metrics;

	OrderCancellations(RocketMQTemplate rocketMQTemplate, OrderSettings settings, OrderMapper orders,
			OrderHistoryMapper history, OrderQueries queries, TransactionBarrier barrier,
			DuplicateMessageDetector dedupe, TransactionTemplate transactions, JsonMapper json, OrderMetrics metrics) {
		this.metrics = metrics;
		this.rocketMQTemplate = rocketMQTemplate;
		this.settings = settings;
		this.orders = orders;
		this.history = history;
		this.queries = queries;
		this.barrier = barrier;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.json = json;
	}

	/** A user's cancel: allowed from CREATED and CONFIRMED. */
	public OrderView cancelByUser(long orderId) {
		CancelAttempt attempt = cancel(orderId, "USER_CANCELLED", Set.of(OrderStatus.CREATED, OrderStatus.CONFIRMED),
				null);
		if (attempt.outcome() == CancelAttempt.Outcome.NOT_ALLOWED) {
			throw new OrderProblems.NotCancellable(orderId, attempt.found());
		}
		return this.queries.find(orderId);
	}

	/**
	 * Cancels the order if its status is one of {@code allowedFrom}.
	 * @param trigger the message that asked for it (dedupe), or null
	 */
	CancelAttempt cancel(long orderId, String cause, Set<OrderStatus> allowedFrom, CancelAttempt.Trigger trigger) {
		Order order = this.orders.selectById(orderId);
		if (order == null) {
			throw new OrderProblems.NotFound(orderId);
		}
		CancelAttempt attempt = new CancelAttempt(orderId, UUID.randomUUID().toString(), cause, allowedFrom, trigger);
		if (!allowedFrom.contains(order.getStatus())) {
			// Settled already: no half message to send and roll back.
			attempt.finished(CancelAttempt.Outcome.NOT_ALLOWED, order.getStatus());
			return attempt;
		}
		OrderCancelled event = new OrderCancelled(order.getId().toString(), order.getUserId(), cause, Instant.now());
		var message = MessageBuilder.withPayload(this.json.writeValueAsBytes(event))
			.setHeader(RocketMQHeaders.KEYS, event.orderId())
			.setHeader(TransactionIds.PROPERTY, attempt.txId())
			.build();
		TransactionSendResult sent;
		var sample = this.metrics.startSend();
		try {
			sent = this.rocketMQTemplate.sendMessageInTransaction(this.settings.topic() + ":" + OrderCancelled.TAG,
					message, attempt);
			this.metrics.sent(sample, "cancel", true);
		}
		catch (MessagingException ex) {
			this.metrics.sent(sample, "cancel", false);
			if (attempt.outcome() == null) {
				throw new OrderProblems.NotPlaced(
						"the message broker is unavailable; the order was not cancelled, retry", ex);
			}
			sent = null;
		}
		if (attempt.outcome() == null) {
			throw new OrderProblems.NotPlaced("the message broker did not accept the cancel; retry", null);
		}
		if (attempt.outcome() == CancelAttempt.Outcome.FAILED) {
			boolean uncertain = sent == null || sent.getLocalTransactionState() == LocalTransactionState.UNKNOW;
			if (uncertain && this.orders.selectById(orderId).getStatus() == OrderStatus.CANCELLED) {
				attempt.finished(CancelAttempt.Outcome.CANCELLED, OrderStatus.CANCELLED);
				return attempt;
			}
			throw new OrderProblems.NotPlaced("the order database failed; the order was not cancelled, retry",
					attempt.failure());
		}
		return attempt;
	}

	/** The local transaction of a cancel, run by the transaction listener. */
	RocketMQLocalTransactionState runLocalTransaction(CancelAttempt attempt) {
		try {
			CancelAttempt.Outcome outcome = this.transactions.execute(status -> {
				this.barrier.enter(attempt.txId());
				CancelAttempt.Trigger trigger = attempt.trigger();
				if (trigger != null && !this.dedupe.firstDelivery(trigger.group(), trigger.eventType(), trigger.key(),
						trigger.messageId(), "CANCELLED")) {
					status.setRollbackOnly();
					attempt.finished(CancelAttempt.Outcome.DUPLICATE, null);
					return CancelAttempt.Outcome.DUPLICATE;
				}
				OrderStatus current = this.orders.lockStatus(attempt.orderId());
				if (current == null || !attempt.allowedFrom().contains(current)) {
					status.setRollbackOnly();
					attempt.finished(CancelAttempt.Outcome.NOT_ALLOWED, current);
					return CancelAttempt.Outcome.NOT_ALLOWED;
				}
				Instant now = Instant.now();
				this.orders.transition(attempt.orderId(), current, OrderStatus.CANCELLED, now);
				this.history
					.append(OrderHistory.of(attempt.orderId(), current, OrderStatus.CANCELLED, attempt.cause(), now));
				attempt.bodyCompleted();
				return CancelAttempt.Outcome.CANCELLED;
			});
			if (outcome == CancelAttempt.Outcome.CANCELLED) {
				attempt.finished(outcome, OrderStatus.CANCELLED);
				this.metrics.settled(attempt.orderId(), OrderStatus.CANCELLED);
				return RocketMQLocalTransactionState.COMMIT;
			}
			return RocketMQLocalTransactionState.ROLLBACK;
		}
		catch (RuntimeException ex) {
			attempt.failed(ex);
			log.warn("cancel of order {}: local transaction failed{}: {}", attempt.orderId(),
					attempt.failedAtCommit() ? " at COMMIT, outcome unknown" : "", ex.toString());
			return attempt.failedAtCommit() ? RocketMQLocalTransactionState.UNKNOWN
					: RocketMQLocalTransactionState.ROLLBACK;
		}
	}

}
