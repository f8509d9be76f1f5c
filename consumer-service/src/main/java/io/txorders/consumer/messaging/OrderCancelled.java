package io.txorders.consumer.messaging;

import java.time.Instant;

/**
 * Published by producer-service when an order is cancelled (tag {@code OrderCancelled},
 * key = order id). Every group undoes its effect, or remembers the cancel if the effect
 * has not come.
 */
public record OrderCancelled(String orderId, String userId, String cause, Instant cancelledAt) {

	public static final String TAG = "OrderCancelled";

	public long orderIdAsLong() {
		return Long.parseLong(this.orderId);
	}

}
