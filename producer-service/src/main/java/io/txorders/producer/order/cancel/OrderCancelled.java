package io.txorders.producer.order.cancel;

import java.time.Instant;

/**
 * Published, in the same transaction as the status change, when an order is cancelled
 * (tag {@code OrderCancelled} on the order topic, key = order id). Every consumer group
 * undoes its effect.
 */
public record OrderCancelled(String orderId, String userId, String cause, Instant cancelledAt) {

	public static final String TAG = "OrderCancelled";

}
