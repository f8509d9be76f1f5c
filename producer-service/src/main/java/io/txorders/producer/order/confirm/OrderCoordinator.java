package io.txorders.producer.order.confirm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.producer.order.OrderMetrics;
import io.txorders.producer.order.OrderSettings;
import io.txorders.producer.order.cancel.OrderCancellations;
import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderStatus;
import io.txorders.producer.order.store.OrderStore;
import io.txorders.producer.order.store.Participant;
import io.txorders.producer.order.store.TryReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The saga's coordinator: records each participant's reply to an order's Try (in any
 * order, any number of times) and decides, in one local transaction with the decision's
 * event. Every participant reserved: CREATED -> CONFIRMED and OrderConfirmed. A
 * rejection: CREATED -> CANCELLED with the participant's cause and OrderCancelled. Not
 * all in yet: the reply is recorded and nothing else happens. An order that has moved on
 * (cancelled meanwhile, timed out) keeps its status: the reply is recorded, and the
 * OrderCancelled already sent compensates whatever the Try did.
 * <p>
 * The event's tag must be known before the local transaction (the half message goes
 * first), so the decision is planned from an unlocked read and made again under the
 * order's row lock; if they differ (another reply or a cancel came in between) everything
 * rolls back and it is planned again.
 */
@Service
public class OrderCoordinator {

	private static final Logger log = LoggerFactory.getLogger(OrderCoordinator.class);

	/** The cause CREATED -> CONFIRMED gives in the order's history. */
	public static final String ALL_RESERVED = "ALL_RESERVED";

	/** How often the plan may be overtaken before the broker redelivers the reply. */
	private static final int MAX_PLANS = 5;

	private final OrderStore store;

	private final OrderCancellations cancellations;

	private final TopicPublisher events;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final OrderMetrics metrics;

	private final TransactionBarrier barrier;

	private final String group;

	OrderCoordinator(OrderStore store, OrderCancellations cancellations, TopicPublisher events,
			DuplicateMessageDetector dedupe, TransactionTemplate transactions, OrderMetrics metrics,
			OrderSettings settings, TransactionBarrier barrier) {
		this.barrier = barrier;
		this.store = store;
		this.cancellations = cancellations;
		this.events = events;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.metrics = metrics;
		this.group = settings.replyGroup();
	}

	/**
	 * What the replies so far decide for an order: WAIT records the reply and decides
	 * nothing (a reply is missing, or the order has settled).
	 */
	record Next(Step step, String cause) {

		static final Next WAIT = new Next(Step.WAIT, null);

		static final Next CONFIRM = new Next(Step.CONFIRM, null);

		static Next cancel(String cause) {
			return new Next(Step.CANCEL, cause);
		}

	}

	enum Step {

		WAIT, CONFIRM, CANCEL

	}

	/**
	 * Records {@code participant}'s reply and decides.
	 * @return APPLIED if the reply decided the order (confirmed or cancelled it) or was
	 * recorded while others are awaited, SKIPPED if the order had already settled,
	 * DUPLICATE if this reply was handled before
	 */
	public Outcome record(Participant participant, TryDecided reply, IncomingMessage message) {
		long orderId = reply.orderIdAsLong();
		TryReply recorded = new TryReply(participant, reply.reserved(), reply.reason());
		for (int attempt = 1; attempt <= MAX_PLANS; attempt++) {
			Order order = this.store.find(orderId);
			if (order == null) {
				// Its OrderCreated is committed only after the order is: never expected.
				throw new IllegalStateException("order " + orderId + " is unknown; the reply will be redelivered");
			}
			Next planned = next(order.getStatus(), with(this.store.replies(orderId), recorded));
			Outcome outcome = switch (planned.step()) {
				case CONFIRM -> confirm(order, recorded, message);
				case CANCEL -> cancel(orderId, planned.cause(), recorded, message);
				case WAIT -> recordOnly(orderId, recorded, message);
			};
			if (outcome != null) {
				log.info("order {}: {} {} ({}), {}", orderId, participant, reply.reserved() ? "reserved" : "rejected",
						(reply.reason() != null) ? reply.reason() : "-", describe(planned, outcome));
				return outcome;
			}
			log.debug("order {}: plan {} ({}) overtaken; planning again", orderId, attempt, planned);
		}
		throw new IllegalStateException("order " + orderId + ": replies kept overtaking the plan over " + MAX_PLANS
				+ " plans; the broker will redeliver");
	}

	/**
	 * What the replies decide: the first rejection cancels, every participant reserved
	 * confirms; an order no longer CREATED is only recorded.
	 */
	static Next next(OrderStatus status, List<TryReply> replies) {
		if (status != OrderStatus.CREATED) {
			return Next.WAIT;
		}
		Set<Participant> reserved = EnumSet.noneOf(Participant.class);
		for (TryReply reply : replies) {
			if (!reply.reserved()) {
				return Next.cancel(reply.participant().rejectedCause());
			}
			reserved.add(reply.participant());
		}
		return reserved.containsAll(EnumSet.allOf(Participant.class)) ? Next.CONFIRM : Next.WAIT;
	}

	/** The replies recorded, and this one if its participant has none recorded yet. */
	private static List<TryReply> with(List<TryReply> replies, TryReply reply) {
		List<TryReply> all = new ArrayList<>(replies);
		if (replies.stream().noneMatch((existing) -> existing.participant() == reply.participant())) {
			all.add(reply);
		}
		return all;
	}

	/**
	 * Records the reply and checks, under the order's lock, what it now decides. The
	 * replies are read after the lock is granted, and no plain read comes before it in
	 * the transaction, so its snapshot (REPEATABLE READ) holds every reply committed by
	 * the transaction that held the lock before.
	 */
	private Next recordUnderLock(long orderId, TryReply reply) {
		OrderStatus status = this.store.lockStatus(orderId);
		this.store.recordReply(orderId, reply.participant(), reply.reserved(), reply.reason(), Instant.now());
		return next(status, this.store.replies(orderId));
	}

	/**
	 * @return the outcome, or null to plan again
	 */
	private Outcome confirm(Order order, TryReply reply, IncomingMessage message) {
		long orderId = order.getId();
		OrderConfirmed event = new OrderConfirmed(order.getId().toString(), order.getUserId(), order.getTotal(),
				order.getCurrency(), Instant.now());
		AtomicReference<String> localTransaction = new AtomicReference<>();
		Published<Outcome> published = this.events.publish(OrderConfirmed.TAG, event.orderId(), event, (txId) -> {
			localTransaction.set(txId);
			if (!this.dedupe.firstDelivery(message, this.group, Outcome.APPLIED)) {
				return Decision.rollback(Outcome.DUPLICATE);
			}
			if (recordUnderLock(orderId, reply).step() != Step.CONFIRM) {
				return Decision.rollback(null);
			}
			this.store.transition(orderId, OrderStatus.CREATED, OrderStatus.CONFIRMED, ALL_RESERVED, Instant.now());
			return Decision.commit(Outcome.APPLIED);
		});
		Outcome outcome = resolved(published, localTransaction.get());
		if (outcome == Outcome.APPLIED) {
			this.metrics.settled(orderId, OrderStatus.CONFIRMED);
		}
		return outcome;
	}

	/**
	 * @return the outcome, or null to plan again
	 */
	private Outcome cancel(long orderId, String cause, TryReply reply, IncomingMessage message) {
		OrderCancellations.Cancelled cancelled = this.cancellations.cancelAfterRejection(orderId, cause, this.group,
				message, () -> recordUnderLock(orderId, reply).equals(Next.cancel(cause)));
		// REJECTED: the order moved on, or another reply came, meanwhile: planned again.
		return (cancelled.outcome() == Outcome.REJECTED) ? null : cancelled.outcome();
	}

	/**
	 * @return the outcome, or null to plan again
	 */
	private Outcome recordOnly(long orderId, TryReply reply, IncomingMessage message) {
		return this.transactions.execute((status) -> {
			if (!this.dedupe.firstDelivery(message, this.group, Outcome.APPLIED)) {
				status.setRollbackOnly();
				return Outcome.DUPLICATE;
			}
			OrderStatus current = this.store.lockStatus(orderId);
			this.store.recordReply(orderId, reply.participant(), reply.reserved(), reply.reason(), Instant.now());
			if (next(current, this.store.replies(orderId)).step() != Step.WAIT) {
				status.setRollbackOnly();
				return null;
			}
			return (current == OrderStatus.CREATED) ? Outcome.APPLIED : Outcome.SKIPPED;
		});
	}

	/**
	 * A COMMIT or a clean rollback gives the outcome (null: plan again); a COMMIT that
	 * went unanswered is settled from the barrier row, as the check-back will be; a
	 * failure is thrown, so the broker redelivers the reply.
	 */
	private Outcome resolved(Published<Outcome> published, String txId) {
		return switch (published.status()) {
			case COMMITTED -> published.result();
			case ROLLED_BACK -> {
				if (published.failure() != null) {
					throw published.failure();
				}
				yield published.result();
			}
			case REFUSED_BY_CHECKBACK -> null;
			case UNKNOWN -> switch ((txId != null) ? this.barrier.settle(txId) : TransactionResolution.UNKNOWN) {
				case COMMIT -> Outcome.APPLIED;
				case ROLLBACK -> null;
				case UNKNOWN -> throw published.failure();
			};
		};
	}

	private static String describe(Next planned, Outcome outcome) {
		if (outcome == Outcome.DUPLICATE) {
			return "handled before";
		}
		if (outcome == Outcome.SKIPPED) {
			return "recorded; the order had settled";
		}
		return switch (planned.step()) {
			case CONFIRM -> "CONFIRMED";
			case CANCEL -> "CANCELLED (" + planned.cause() + ")";
			case WAIT -> "recorded; awaiting the other replies";
		};
	}

}
