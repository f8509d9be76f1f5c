package io.txorders.producer.order.store;

import java.time.Instant;

/**
 * One status change of an order, with its cause ({@code order_history}).
 *
 * @param orderId the order
 * @param fromStatus the status it left; null for the first entry
 * @param toStatus the status it reached
 * @param cause why, e.g. {@code INVENTORY_REJECTED}
 * @param occurredAt when
 */
public record OrderHistory(long orderId, OrderStatus fromStatus, OrderStatus toStatus, String cause,
		Instant occurredAt) {
}
