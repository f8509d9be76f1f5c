package io.txorders.producer.order.query;

import java.util.List;

import io.txorders.producer.order.OrderPage;
import io.txorders.producer.order.OrderProblems;
import io.txorders.producer.order.OrderView;
import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderStatus;
import io.txorders.producer.order.store.OrderStore;

import org.springframework.stereotype.Service;

/**
 * Reads orders for the API.
 */
@Service
public class OrderQueries {

	private final OrderStore store;

	OrderQueries(OrderStore store) {
		this.store = store;
	}

	/** Orders newest first, filtered by user and status when given. */
	public OrderPage list(String userId, OrderStatus status, int page, int size) {
		List<OrderPage.Summary> items = this.store.page(userId, status, size, (long) page * size)
			.stream()
			.map(order -> new OrderPage.Summary(order.getId().toString(), order.getUserId(), order.getStatus(),
					order.getTotal(), order.getCreatedAt(), order.getUpdatedAt()))
			.toList();
		return new OrderPage(items, page, size, this.store.count(userId, status));
	}

	/**
	 * The customer's own order; another customer's is not found, so an id tells nothing
	 * about orders that are not yours.
	 */
	public OrderView findFor(String customer, long orderId) {
		Order order = this.store.find(orderId);
		if (order == null || !order.getUserId().equals(customer)) {
			throw new OrderProblems.NotFound(orderId);
		}
		return OrderView.of(order, this.store.items(orderId), this.store.history(orderId));
	}

	public OrderView find(long orderId) {
		Order order = this.store.find(orderId);
		if (order == null) {
			throw new OrderProblems.NotFound(orderId);
		}
		return OrderView.of(order, this.store.items(orderId), this.store.history(orderId));
	}

}
