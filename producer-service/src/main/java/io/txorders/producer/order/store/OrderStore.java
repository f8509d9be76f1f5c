package io.txorders.producer.order.store;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.stereotype.Repository;
import org.springframework.util.function.SingletonSupplier;

/**
 * The orders database as the use cases see it: an order with its lines and history, and
 * status transitions that are guarded in SQL and recorded in the history in the same
 * statement sequence. Writes run in the caller's transaction (the kit's local
 * transaction).
 */
@Repository
public class OrderStore {

	private final OrderMapper orders;

	private final List<OrderOutcomes> outcomes;

	OrderStore(OrderMapper orders, List<OrderOutcomes> outcomes) {
		this.orders = orders;
		this.outcomes = List.copyOf(outcomes);
	}

	/** The order, or null. */
	public Order find(long orderId) {
		return this.orders.selectById(orderId);
	}

	/** The order this user placed with this Idempotency-Key, or null. */
	public Order findByIdempotencyKey(String userId, String idempotencyKey) {
		return this.orders.findByIdempotencyKey(userId, idempotencyKey);
	}

	public List<OrderItem> items(long orderId) {
		return this.orders.itemsOf(orderId);
	}

	public List<OrderHistory> history(long orderId) {
		return this.orders.historyOf(orderId);
	}

	/** Orders newest first, filtered by user and status when given. */
	public List<Order> page(String userId, OrderStatus status, int limit, long offset) {
		return this.orders.page(userId, status, limit, offset);
	}

	public long count(String userId, OrderStatus status) {
		return this.orders.count(userId, status);
	}

	/**
	 * Writes a new order in CREATED, its lines and its first history entry.
	 * @return the history entry
	 */
	public OrderHistory insertNew(Order order, List<OrderItem> lines) {
		this.orders.insertNew(order);
		this.orders.insertItems(lines);
		OrderHistory placed = new OrderHistory(order.getId(), null, OrderStatus.CREATED, "ORDER_PLACED",
				order.getCreatedAt());
		this.orders.appendHistory(placed);
		return placed;
	}

	/**
	 * Records a participant's reply to the order's Try, unless one was recorded before.
	 * @return whether it was recorded now
	 */
	public boolean recordReply(long orderId, Participant participant, boolean reserved, String reason, Instant at) {
		return this.orders.insertReply(orderId, participant.name(), reserved ? "RESERVED" : "REJECTED", reason,
				at) == 1;
	}

	/** The Try replies recorded for the order, first received first. */
	public List<TryReply> replies(long orderId) {
		return this.orders.repliesOf(orderId)
			.stream()
			.map((row) -> new TryReply(Participant.valueOf(row.participant()), "RESERVED".equals(row.outcome()),
					row.reason()))
			.toList();
	}

	/** Ids of CREATED orders placed before {@code before}, oldest first. */
	public List<Long> createdBefore(Instant before, int limit) {
		return this.orders.createdBefore(before, limit);
	}

	/** Locks the order's row until the transaction ends; its status, or null. */
	public OrderStatus lockStatus(long orderId) {
		return this.orders.lockStatus(orderId);
	}

	/**
	 * Moves the order from {@code from} to {@code to} with its history entry, if it is
	 * still in {@code from}. A final status (CONFIRMED, CANCELLED) is told to every
	 * {@link OrderOutcomes} in the same transaction.
	 * @return whether it moved
	 */
	public boolean transition(long orderId, OrderStatus from, OrderStatus to, String cause, Instant at) {
		if (this.orders.transition(orderId, from, to, at) == 0) {
			return false;
		}
		this.orders.appendHistory(new OrderHistory(orderId, from, to, cause, at));
		if ((to == OrderStatus.CONFIRMED || to == OrderStatus.CANCELLED) && !this.outcomes.isEmpty()) {
			Supplier<Order> order = SingletonSupplier.of(() -> this.orders.selectById(orderId));
			this.outcomes.forEach((listener) -> listener.reached(to, cause, at, order));
		}
		return true;
	}

}
