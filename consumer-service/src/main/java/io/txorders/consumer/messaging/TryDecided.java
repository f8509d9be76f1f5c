package io.txorders.consumer.messaging;

import java.time.Instant;

/**
 * The inventory group's reply to OrderCreated, published transactionally on the inventory
 * topic: tag {@code InventoryReserved} or {@code InventoryRejected}, key = order id.
 */
public record InventoryDecided(String orderId, boolean reserved, String reason, Instant decidedAt) {

	public static final String RESERVED = "InventoryReserved";

	public static final String REJECTED = "InventoryRejected";

	public String tag() {
		return this.reserved ? RESERVED : REJECTED;
	}

}
