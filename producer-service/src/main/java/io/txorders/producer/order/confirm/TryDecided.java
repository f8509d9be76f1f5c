package io.txorders.producer.order.confirm;

import java.time.Instant;

/**
 * A participant's reply to OrderCreated, its TCC Try (key = order id): producer-service's
 * copy of the contract. The tag says who decided what.
 */
public record TryDecided(String orderId, boolean reserved, String reason, Instant decidedAt) {

	public static final String INVENTORY_RESERVED = "InventoryReserved";

	public static final String INVENTORY_REJECTED = "InventoryRejected";

	public static final String PAYMENT_FROZEN = "PaymentFrozen";

	public static final String PAYMENT_REJECTED = "PaymentRejected";

	long orderIdAsLong() {
		return Long.parseLong(this.orderId);
	}

}
