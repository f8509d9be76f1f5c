package io.txorders.producer.order.store;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Told of every final transition (to CONFIRMED or CANCELLED) inside its local
 * transaction: what it writes commits or rolls back with the transition (the webhook
 * notifications).
 */
public interface OrderOutcomes {

	/**
	 * @param order the order as it stands after the transition, read only when asked for
	 * (once)
	 */
	void reached(OrderStatus status, String cause, Instant at, Supplier<Order> order);

}
