package io.txorders.producer.order.place;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderItem;

/**
 * Published with the order, in the same transaction, as a half message on the order topic
 * (tag {@code OrderCreated}, key = order id, user property {@code txId}).
 */
public record OrderCreated(String orderId, String userId, List<Line> items, BigDecimal total, String currency,
		Instant createdAt) {

	public static final String TAG = "OrderCreated";

	public record Line(String sku, int quantity, BigDecimal unitPrice) {
	}

	static OrderCreated of(Order order, List<OrderItem> items) {
		return new OrderCreated(order.getId().toString(), order.getUserId(),
				items.stream().map(item -> new Line(item.sku(), item.quantity(), item.unitPrice())).toList(),
				order.getTotal(), order.getCurrency(), order.getCreatedAt());
	}

}
