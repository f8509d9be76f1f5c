package io.txorders.producer.order;

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

	public OrderView find(long orderId) {
		Order order = this.orders.selectById(orderId);
		if (order == null) {
			throw new OrderProblems.NotFound(orderId);
		}
		return OrderView.of(order, this.items.findByOrderId(orderId), this.history.findByOrderId(orderId));
	}

}
