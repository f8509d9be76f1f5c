package io.txorders.producer.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import io.txorders.producer.order.store.OrderStatus;

/**
 * One page of {@code GET /orders}.
 */
public record OrderPage(List<Summary> items, int page, int size, long total) {

	public record Summary(String orderId, String userId, OrderStatus status, BigDecimal total, Instant createdAt,
			Instant updatedAt) {
	}

}
