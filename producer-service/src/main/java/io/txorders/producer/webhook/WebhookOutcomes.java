package io.txorders.producer.webhook;

import java.time.Instant;
import java.util.function.Supplier;

import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderOutcomes;
import io.txorders.producer.order.store.OrderStatus;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes the notifications of a final transition in its local transaction, and wakes the
 * dispatcher once that commits.
 */
class WebhookOutcomes implements OrderOutcomes {

	private final WebhookNotifications notifications;

	private final WebhookDispatcher dispatcher;

	WebhookOutcomes(WebhookNotifications notifications, WebhookDispatcher dispatcher) {
		this.notifications = notifications;
		this.dispatcher = dispatcher;
	}

	@Override
	public void reached(OrderStatus status, String cause, Instant at, Supplier<Order> order) {
		int written = this.notifications.record(status.name(), cause, at, order);
		if (written > 0 && TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					WebhookOutcomes.this.dispatcher.wake();
				}
			});
		}
	}

}
