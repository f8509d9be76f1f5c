package io.txorders.producer.order;

import java.time.Instant;

import io.txorders.producer.messaging.DuplicateMessageDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * CREATED -> CONFIRMED when inventory reserved the stock. Guarded in SQL: an order
 * cancelled in the meantime stays cancelled (its OrderCancelled releases the
 * reservation).
 */
@Service
public class OrderConfirmations {

	private static final Logger log = LoggerFactory.getLogger(OrderConfirmations.class);

	private final OrderMapper orders;

	private final OrderHistoryMapper history;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final OrderMetrics metrics;

	OrderConfirmations(OrderMapper orders, OrderHistoryMapper history, DuplicateMessageDetector dedupe,
			TransactionTemplate transactions, OrderMetrics metrics) {
		this.metrics = metrics;
		this.orders = orders;
		this.history = history;
		this.dedupe = dedupe;
		this.transactions = transactions;
	}

	/**
	 * @return whether the order moved to CONFIRMED now
	 */
	public boolean confirm(long orderId, CancelAttempt.Trigger trigger) {
		boolean confirmed = Boolean.TRUE.equals(this.transactions.execute(status -> {
			if (!this.dedupe.firstDelivery(trigger.group(), trigger.eventType(), trigger.key(), trigger.messageId(),
					"CONFIRMED")) {
				return false;
			}
			Instant now = Instant.now();
			if (this.orders.transition(orderId, OrderStatus.CREATED, OrderStatus.CONFIRMED, now) == 0) {
				log.info("order {}: stock reserved but the order is no longer CREATED; left as it is", orderId);
				return false;
			}
			this.history.append(
					OrderHistory.of(orderId, OrderStatus.CREATED, OrderStatus.CONFIRMED, "INVENTORY_RESERVED", now));
			return true;
		}));
		if (confirmed) {
			this.metrics.settled(orderId, OrderStatus.CONFIRMED);
		}
		return confirmed;
	}

}
