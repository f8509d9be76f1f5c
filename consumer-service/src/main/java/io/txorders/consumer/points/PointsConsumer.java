package io.txorders.consumer.points;

import java.math.BigDecimal;
import java.math.RoundingMode;

import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderConfirmed;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;

import org.springframework.stereotype.Component;

/**
 * Group {@code points}: one loyalty point per whole currency unit of the order total,
 * credited once per order when it is confirmed (never for an order that may still be
 * cancelled for want of stock or funds); debited again when a confirmed order is
 * cancelled. Each in one local transaction with the dedupe row.
 */
@Component
public class PointsConsumer {

	private final PointsLedgerMapper ledger;

	private final ExactlyOnce exactlyOnce;

	private final String group;

	PointsConsumer(PointsLedgerMapper ledger, ExactlyOnce exactlyOnce, ConsumerSettings settings) {
		this.ledger = ledger;
		this.exactlyOnce = exactlyOnce;
		this.group = settings.points().name();
	}

	/** Credits the order's points, unless the order was cancelled first. */
	public Outcome handle(OrderConfirmed event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		return this.exactlyOnce.applyToOrder(this.group, orderId, message, Outcome.APPLIED,
				() -> this.ledger.credit(orderId, event.userId(), pointsFor(event.total())));
	}

	/**
	 * Takes the order's points back, or remembers the cancel if they are not credited.
	 */
	public Outcome handle(OrderCancelled event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		return this.exactlyOnce.compensateOrder(this.group, orderId, message, () -> this.ledger.debit(orderId));
	}

	/** One point per whole currency unit. */
	static int pointsFor(BigDecimal total) {
		return total.setScale(0, RoundingMode.DOWN).intValueExact();
	}

}
