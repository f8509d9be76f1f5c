package io.txorders.consumer.messaging;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The event producer-service publishes with each order (tag {@code OrderCreated}, key =
 * order id). Read here as the consumers' own copy of the contract. Prices and the total
 * are the catalog's, within producer-service's order limits ({@code OrderLimits}: at most
 * 50 lines of 1,000 units, a total of at most 10,000,000.00); {@code currency} is absent
 * from events published before it existed (they were all EUR).
 */
public record OrderCreated(String orderId, String userId, List<Line> items, BigDecimal total, String currency,
		Instant createdAt) {

	public static final String TAG = "OrderCreated";

	public record Line(String sku, int quantity, BigDecimal unitPrice) {
	}

	/** The order id as the databases store it. */
	public long orderIdAsLong() {
		return Long.parseLong(this.orderId);
	}

}
