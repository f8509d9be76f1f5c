package io.txorders.producer.order.confirm;

import io.txorders.producer.order.OrderMetrics;
import io.txorders.producer.order.store.OrderHistory;
import io.txorders.producer.order.store.OrderHistoryMapper;
import io.txorders.producer.order.store.OrderMapper;
import io.txorders.producer.order.store.OrderStatus;

import java.time.Instant;

import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * CREATED -> CONFIRMED when inventory reserved the stock, once per reply message. Guarded
 * in SQL: an order cancelled in the meantime stays cancelled (its OrderCancelled releases
 * the reservation).
 */
@Service
class OrderConfirmations {

	private static final Logger log = LoggerFactory.getLogger(OrderConfirmations.class);

	private final OrderMapper orders;

	private final OrderHistoryMapper history;

	private final ExactlyOnce exactlyOnce;

	private final OrderMetrics metrics;

	OrderConfirmations(OrderMapper orders, OrderHistoryMapper history, ExactlyOnce exactlyOnce, OrderMetrics metrics) {
		this.orders = orders;
		this.history = history;
		this.exactlyOnce = exactlyOnce;
		this.metrics = metrics;
	}

	/**
	 * @return APPLIED if the order moved to CONFIRMED now, SKIPPED if it had moved on,
	 * DUPLICATE if this reply was handled before
	 */
	Outcome confirmAfterReservation(long orderId, String group, IncomingMessage reply) {
		Outcome outcome = this.exactlyOnce.apply(group, reply, () -> {
			Instant now = Instant.now();
			if (this.orders.transition(orderId, OrderStatus.CREATED, OrderStatus.CONFIRMED, now) == 0) {
				log.info("order {}: stock reserved but the order is no longer CREATED; left as it is", orderId);
				return Outcome.SKIPPED;
			}
			this.history.append(
					OrderHistory.of(orderId, OrderStatus.CREATED, OrderStatus.CONFIRMED, "INVENTORY_RESERVED", now));
			return Outcome.APPLIED;
		});
		if (outcome == Outcome.APPLIED) {
			this.metrics.settled(orderId, OrderStatus.CONFIRMED);
		}
		return outcome;
	}

}
