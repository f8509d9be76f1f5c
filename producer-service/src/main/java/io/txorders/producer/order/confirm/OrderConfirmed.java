package io.txorders.producer.order.confirm;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Published, in the same transaction as CREATED -> CONFIRMED, when every participant's
 * Try reserved its part (tag {@code OrderConfirmed} on the order topic, key = order id):
 * the TCC Confirm. Payment captures, inventory sells, points are credited.
 */
public record OrderConfirmed(String orderId, String userId, BigDecimal total, String currency, Instant confirmedAt) {

	public static final String TAG = "OrderConfirmed";

}
