package io.txorders.consumer.messaging;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The event producer-service publishes with each order (tag {@code OrderCreated}, key =
 * order id). Read here as the consumers' own copy of the contract.
 */
public record OrderCreated(String orderId, String userId, List<Line> items, BigDecimal total, Instant createdAt) {

	public static final String TAG = "OrderCreated";

	public record Line(String sku, int quantity, BigDecimal unitPrice) {
	}

	/** The order id as the databases store it. */
	public long orderIdAsLong() {
		return Long.parseLong(this.orderId);
	}

}
