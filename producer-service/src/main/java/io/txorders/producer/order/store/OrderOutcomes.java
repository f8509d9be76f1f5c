package io.txorders.producer.order.store;

import java.time.Instant;

/**
 * Told of every final transition (to CONFIRMED or CANCELLED) inside its local
 * transaction, with the order as it stands after it: what it writes commits or rolls back
 * with the transition (the webhook notifications).
 */
public interface OrderOutcomes {

	void reached(Order order, String cause, Instant at);

}
