package io.txorders.consumer.messaging;

import java.time.Instant;

/**
 * A group's reply to OrderCreated, its TCC Try, published transactionally on the reply
 * topic (key = order id). The tag says who decided what: {@code InventoryReserved} or
 * {@code InventoryRejected}, {@code PaymentFrozen} or {@code PaymentRejected}.
 * {@code reason} names why, for a rejection.
 */
public record TryDecided(String orderId, boolean reserved, String reason, Instant decidedAt) {

	public static final String INVENTORY_RESERVED = "InventoryReserved";

	public static final String INVENTORY_REJECTED = "InventoryRejected";

	public static final String PAYMENT_FROZEN = "PaymentFrozen";

	public static final String PAYMENT_REJECTED = "PaymentRejected";

}
