package io.txorders.producer.order;

import io.txorders.checkback.TransactionBarrier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The local transaction of an order: transaction record first (the barrier's row lock is
 * what a concurrent check-back waits on), then the order, its items and its first history
 * entry.
 */
@Component
class OrderLocalTransaction {

	private final TransactionBarrier barrier;

	private final OrderMapper orders;

	private final OrderItemMapper items;

	private final OrderHistoryMapper history;

	private final LocalTransactionProbe probe;

	OrderLocalTransaction(TransactionBarrier barrier, OrderMapper orders, OrderItemMapper items,
			OrderHistoryMapper history, ObjectProvider<LocalTransactionProbe> probe) {
		this.barrier = barrier;
		this.orders = orders;
		this.items = items;
		this.history = history;
		// Tests register a probe; in production there is none.
		this.probe = probe.getIfAvailable(() -> LocalTransactionProbe.NONE);
	}

	@Transactional
	public void write(PlaceOrderAttempt attempt) {
		Order order = attempt.order();
		this.barrier.enter(order.getTxId());
		this.orders.insertNew(order);
		this.items.insertAll(attempt.items());
		OrderHistory placed = OrderHistory.of(order.getId(), null, OrderStatus.CREATED, "ORDER_PLACED",
				order.getCreatedAt());
		this.history.append(placed);
		attempt.wrote(placed);
		this.probe.beforeCommit(order.getTxId());
		attempt.bodyCompleted();
	}

}
