package io.txorders.producer.order.query;

import io.txorders.producer.order.OrderPage;
import io.txorders.producer.order.OrderProblems;
import io.txorders.producer.order.OrderView;
import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderHistoryMapper;
import io.txorders.producer.order.store.OrderItemMapper;
import io.txorders.producer.order.store.OrderMapper;
import io.txorders.producer.order.store.OrderStatus;

import java.util.List;

import org.springframework.stereotype.Service;

/**
 * Reads orders for the API.
 */
@Service
public class OrderQueries {

	private final OrderMapper orders;

	private final OrderItemMapper items;

	private final OrderHistoryMapper history;

	OrderQueries(OrderMapper orders, OrderItemMapper items, OrderHistoryMapper history) {
		this.orders = orders;
		this.items = items;
		this.history = history;
	}

	/** Orders newest first, filtered by user and status when given. */
	public OrderPage list(String userId, OrderStatus status, int page, int size) {
		List<OrderPage.Summary> items = this.orders.page(userId, status, size, (long) page * size)
			.stream()
			.map(order -> new OrderPage.Summary(order.getId().toString(), order.getUserId(), order.getStatus(),
					order.getTotal(), order.getCreatedAt(), order.getUpdatedAt()))
			.toList();
		return new OrderPage(items, page, size, this.orders.count(userId, status));
	}

	public OrderView find(long orderId) {
		Order order = this.orders.selectById(orderId);
		if (order == null) {
			throw new OrderProblems.NotFound(orderId);
		}
		return OrderView.of(order, this.items.findByOrderId(orderId), this.history.findByOrderId(orderId));
	}

}
