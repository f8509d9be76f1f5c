package io.txorders.consumer.messaging;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Published by producer-service, the saga's coordinator, when every Try reserved its part
 * (tag {@code OrderConfirmed}, key = order id): the TCC Confirm. Payment captures the
 * frozen total, inventory sells the reservation, points are credited.
 */
public record OrderConfirmed(String orderId, String userId, BigDecimal total, String currency, Instant confirmedAt) {

	public static final String TAG = "OrderConfirmed";

	public long orderIdAsLong() {
		return Long.parseLong(this.orderId);
	}

}
