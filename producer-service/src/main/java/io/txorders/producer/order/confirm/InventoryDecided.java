package io.txorders.producer.order.confirm;

import java.time.Instant;

/**
 * The inventory group's reply to OrderCreated (tag {@code InventoryReserved} or
 * {@code InventoryRejected}, key = order id): producer-service's copy of the contract.
 */
public record InventoryDecided(String orderId, boolean reserved, String reason, Instant decidedAt) {

	public static final String RESERVED = "InventoryReserved";

	public static final String REJECTED = "InventoryRejected";

	long orderIdAsLong() {
		return Long.parseLong(this.orderId);
	}

}
