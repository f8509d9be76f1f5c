package io.txorders.producer.order.confirm;

import java.time.Instant;
import java.util.Map;

import io.txorders.messaging.consume.EventConsumers.Subscription;
import io.txorders.messaging.consume.EventHandler;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.producer.order.OrderMetrics;
import io.txorders.producer.order.OrderSettings;
import io.txorders.producer.order.cancel.OrderCancellations;
import io.txorders.producer.order.store.OrderStatus;
import io.txorders.producer.order.store.OrderStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Group {@code order-replies}, the coordinator's ear: InventoryReserved confirms the
 * order (CREATED -> CONFIRMED); InventoryRejected cancels it and publishes
 * OrderCancelled, so the other groups undo their effects. Each reply is applied once (the
 * kit's dedupe row); transitions are guarded in SQL, so an order cancelled meanwhile
 * stays cancelled (its OrderCancelled releases the reservation). A thrown exception makes
 * the broker redeliver.
 */
@Configuration(proxyBeanMethods = false)
class InventoryReplyConsumer {

	private static final Logger log = LoggerFactory.getLogger(InventoryReplyConsumer.class);

	private final OrderStore store;

	private final ExactlyOnce exactlyOnce;

	private final OrderCancellations cancellations;

	private final OrderMetrics metrics;

	private final OrderSettings settings;

	InventoryReplyConsumer(OrderStore store, ExactlyOnce exactlyOnce, OrderCancellations cancellations,
			OrderMetrics metrics, OrderSettings settings) {
		this.store = store;
		this.exactlyOnce = exactlyOnce;
		this.cancellations = cancellations;
		this.metrics = metrics;
		this.settings = settings;
	}

	@Bean
	Subscription inventoryReplies() {
		return new Subscription(this.settings.replyGroup(), this.settings.replyThreads(),
				this.settings.inventoryTopic(),
				Map.of(InventoryDecided.RESERVED, EventHandler.of(InventoryDecided.class, this::handleReserved),
						InventoryDecided.REJECTED, EventHandler.of(InventoryDecided.class, this::handleRejected)));
	}

	/**
	 * @return APPLIED if the order moved to CONFIRMED now, SKIPPED if it had moved on,
	 * DUPLICATE if this reply was handled before
	 */
	Outcome handleReserved(InventoryDecided reply, IncomingMessage message) {
		long orderId = reply.orderIdAsLong();
		Outcome outcome = this.exactlyOnce.apply(this.settings.replyGroup(), message,
				() -> this.store.transition(orderId, OrderStatus.CREATED, OrderStatus.CONFIRMED, "INVENTORY_RESERVED",
						Instant.now()) ? Outcome.APPLIED : Outcome.SKIPPED);
		if (outcome == Outcome.APPLIED) {
			this.metrics.settled(orderId, OrderStatus.CONFIRMED);
		}
		log.info("order {}: stock reserved, {}", orderId,
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
