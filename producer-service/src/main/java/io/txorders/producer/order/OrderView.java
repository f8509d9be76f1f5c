package io.txorders.producer.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderHistory;
import io.txorders.producer.order.store.OrderItem;
import io.txorders.producer.order.store.OrderStatus;

/**
 * An order as the API shows it. Ids are strings: 64-bit ids do not survive JavaScript
 * numbers.
 */
public record OrderView(String orderId, String userId, OrderStatus status, BigDecimal total, String currency,
		List<Line> items, List<Change> history, Instant createdAt, Instant updatedAt) {

	public record Line(String sku, int quantity, BigDecimal unitPrice) {
	}

	public record Change(OrderStatus from, OrderStatus to, String cause, Instant at) {
	}

	public static OrderView of(Order order, List<OrderItem> items, List<OrderHistory> history) {
		return new OrderView(order.getId().toString(), order.getUserId(), order.getStatus(), order.getTotal(),
				order.getCurrency(),
				items.stream().map(item -> new Line(item.sku(), item.quantity(), item.unitPrice())).toList(),
				history.stream()
					.map(change -> new Change(change.fromStatus(), change.toStatus(), change.cause(),
							change.occurredAt()))
					.toList(),
				order.getCreatedAt(), order.getUpdatedAt());
	}

}
