package io.txorders.producer.order.confirm;

import io.txorders.producer.order.OrderSettings;
import io.txorders.producer.order.cancel.OrderCancellations;

import java.util.Map;

import io.txorders.messaging.consume.EventConsumers.Subscription;
import io.txorders.messaging.consume.EventHandler;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Group {@code order-replies}: InventoryReserved confirms the order; InventoryRejected
 * cancels it and publishes OrderCancelled, so the other groups undo their effects. A
 * thrown exception makes the broker redeliver later.
 */
@Configuration(proxyBeanMethods = false)
class InventoryReplyConsumer {

	private static final Logger log = LoggerFactory.getLogger(InventoryReplyConsumer.class);

	private final OrderConfirmations confirmations;

	private final OrderCancellations cancellations;

	private final OrderSettings settings;

	InventoryReplyConsumer(OrderConfirmations confirmations, OrderCancellations cancellations, OrderSettings settings) {
		this.confirmations = confirmations;
		this.cancellations = cancellations;
		this.settings = settings;
	}

	@Bean
	Subscription inventoryReplies() {
		return new Subscription(this.settings.replyGroup(), this.settings.replyThreads(),
				this.settings.inventoryTopic(),
				Map.of(InventoryDecided.RESERVED, EventHandler.of(InventoryDecided.class, this::handleReserved),
						InventoryDecided.REJECTED, EventHandler.of(InventoryDecided.class, this::handleRejected)));
	}

	Outcome handleReserved(InventoryDecided reply, IncomingMessage message) {
		Outcome outcome = this.confirmations.confirmAfterReservation(reply.orderIdAsLong(), this.settings.replyGroup(),
				message);
		log.info("order {}: stock reserved, {}", reply.orderId(),
				(outcome == Outcome.APPLIED) ? "CONFIRMED" : "no change (" + outcome + ")");
		return outcome;
	}

	Outcome handleRejected(InventoryDecided reply, IncomingMessage message) {
		OrderCancellations.Cancelled cancelled = this.cancellations.cancelAfterRejection(reply.orderIdAsLong(),
				"INVENTORY_REJECTED", this.settings.replyGroup(), message);
		log.info("order {}: stock rejected ({}), cancel {}", reply.orderId(), reply.reason(), cancelled.outcome());
		// An order no longer CREATED stays as it is: nothing was refused, nothing done.
		return (cancelled.outcome() == Outcome.REJECTED) ? Outcome.SKIPPED : cancelled.outcome();
	}

}
