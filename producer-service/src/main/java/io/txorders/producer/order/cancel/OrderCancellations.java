package io.txorders.producer.order.cancel;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.producer.order.OrderMetrics;
import io.txorders.producer.order.OrderProblems;
import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderStatus;
import io.txorders.producer.order.store.OrderStore;

import org.springframework.stereotype.Service;

/**
 * Cancels orders: the status change and OrderCancelled commit together (the kit's
 * {@link TransactionalPublisher}), so every consumer group hears of each cancel exactly
 * when it happened.
 */
@Service
public class OrderCancellations {

	private final TopicPublisher events;

	private final OrderStore store;

	private final DuplicateMessageDetector dedupe;

	private final OrderMetrics metrics;

	private final TransactionBarrier barrier;

	OrderCancellations(TopicPublisher events, OrderStore store, DuplicateMessageDetector dedupe, OrderMetrics metrics,
			TransactionBarrier barrier) {
		this.barrier = barrier;
		this.events = events;
		this.store = store;
		this.dedupe = dedupe;
		this.metrics = metrics;
	}

	/** The cause a customer's own cancel gives. */
	public static final String USER_CANCELLED = "USER_CANCELLED";

	/** The cause of a cancel because the Try replies did not all come in time. */
	public static final String TIMED_OUT = "TIMED_OUT";

	private static final BooleanSupplier NOTHING_MORE = () -> true;

	/** What a cancel did: the outcome, and the status the order had. */
	public record Cancelled(Outcome outcome, OrderStatus found) {
	}

	/**
	 * A customer's cancel of their own order: allowed from CREATED and CONFIRMED, a 409
	 * otherwise; another customer's order is not found (404).
	 */
	public void cancelByCustomer(String customer, long orderId) {
		Order order = this.store.find(orderId);
		if (order == null || !order.getUserId().equals(customer)) {
			throw new OrderProblems.NotFound(orderId);
		}
		Cancelled cancelled = cancel(orderId, USER_CANCELLED, Set.of(OrderStatus.CREATED, OrderStatus.CONFIRMED), null,
				null, NOTHING_MORE);
		if (cancelled.outcome() == Outcome.REJECTED) {
			throw new OrderProblems.NotCancellable(orderId, cancelled.found());
		}
	}

	/**
	 * Cancels the order because a participant refused its part, once per reply message.
	 * @param stillWanted runs in the cancel's local transaction, under the order's row
	 * lock (the coordinator records the reply with it): false rolls the cancel back
	 * (REJECTED)
	 */
	public Cancelled cancelAfterRejection(long orderId, String cause, String group, IncomingMessage reply,
			BooleanSupplier stillWanted) {
		return cancel(orderId, cause, Set.of(OrderStatus.CREATED), group, reply, stillWanted);
	}

	/**
	 * Cancels an order still CREATED because its Try replies did not all come in time.
	 * @return APPLIED if cancelled now, REJECTED if it had moved on meanwhile
	 */
	public Cancelled cancelTimedOut(long orderId) {
		return cancel(orderId, TIMED_OUT, Set.of(OrderStatus.CREATED), null, null, NOTHING_MORE);
	}

	/**
	 * Cancels the order if its status is one of {@code allowedFrom}: APPLIED (cancelled
	 * now), REJECTED (its status does not allow it), DUPLICATE (the reply that asked for
	 * it was handled before).
	 * @param reply the message that asked for it (deduplicated for {@code group}), or
	 * null
	 */
	private Cancelled cancel(long orderId, String cause, Set<OrderStatus> allowedFrom, String group,
			IncomingMessage reply, BooleanSupplier stillWanted) {
		Order order = this.store.find(orderId);
		if (order == null) {
			throw new OrderProblems.NotFound(orderId);
		}
		if (!allowedFrom.contains(order.getStatus())) {
			// Settled already: no half message to send and roll back.
			return new Cancelled(Outcome.REJECTED, order.getStatus());
		}
		OrderCancelled event = new OrderCancelled(order.getId().toString(), order.getUserId(), cause, Instant.now());
		Published<Cancelled> published;
		AtomicReference<String> localTransaction = new AtomicReference<>();
		try {
			published = this.events.publish(OrderCancelled.TAG, event.orderId(), event, (txId) -> {
				localTransaction.set(txId);
				if (reply != null && !this.dedupe.firstDelivery(reply, group, Outcome.APPLIED)) {
					return Decision.rollback(new Cancelled(Outcome.DUPLICATE, null));
				}
				OrderStatus current = this.store.lockStatus(orderId);
				if (current == null || !allowedFrom.contains(current)) {
					return Decision.rollback(new Cancelled(Outcome.REJECTED, current));
				}
				if (!stillWanted.getAsBoolean()) {
					return Decision.rollback(new Cancelled(Outcome.REJECTED, current));
				}
				this.store.transition(orderId, current, OrderStatus.CANCELLED, cause, Instant.now());
				return Decision.commit(new Cancelled(Outcome.APPLIED, current));
			});
		}
		catch (TransactionalPublisher.NotPublished ex) {
			throw new OrderProblems.NothingChanged(
					"the message broker is unavailable; the order was not cancelled, retry", ex);
		}
		return switch (published.status()) {
			case COMMITTED -> settled(orderId, cause, published.result());
			case ROLLED_BACK -> {
				if (published.failure() != null) {
					throw new OrderProblems.NothingChanged(
							"the order database failed; the order was not cancelled, retry", published.failure());
				}
				yield published.result();
			}
			case REFUSED_BY_CHECKBACK -> throw new OrderProblems.NothingChanged(
					"the cancel took too long and the broker rolled it back; the order was not cancelled, retry", null);
			case UNKNOWN -> {
				// The COMMIT may have happened before the connection broke: this cancel's
				// barrier row knows (the order's status does not: another cancel may
				// have moved it meanwhile); absent, it is claimed, as a check-back does.
				String txId = localTransaction.get();
				if (txId != null && this.barrier.settle(txId) == TransactionResolution.COMMIT) {
					yield settled(orderId, cause, new Cancelled(Outcome.APPLIED, null));
				}
				throw new OrderProblems.NothingChanged("the order database did not confirm the cancel; retry",
						published.failure());
			}
		};
	}

	private Cancelled settled(long orderId, String cause, Cancelled cancelled) {
		this.metrics.settled(orderId, OrderStatus.CANCELLED);
		this.metrics.cancelled(cause);
		return cancelled;
	}

}
