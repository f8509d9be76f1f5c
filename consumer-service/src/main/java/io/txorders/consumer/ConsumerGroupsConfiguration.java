package io.txorders.consumer;

import java.util.Map;

import io.txorders.consumer.inventory.InventoryConsumer;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderConfirmed;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.TryDecided;
import io.txorders.consumer.payment.PaymentConsumer;
import io.txorders.consumer.points.PointsConsumer;
import io.txorders.messaging.consume.EventConsumers.Subscription;
import io.txorders.messaging.consume.EventHandler;

import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.messaging.publish.TransactionalPublisher;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The consumer groups and what each applies, all reading the order topic; the kit starts
 * a push consumer per subscription. Inventory and payment are the saga's TCC
 * participants: OrderCreated is their Try (each replies), OrderConfirmed their Confirm,
 * OrderCancelled their Cancel. Points are credited on OrderConfirmed and reversed on
 * OrderCancelled. And where the Try replies go.
 */
@Configuration(proxyBeanMethods = false)
class ConsumerGroupsConfiguration {

	@Bean
	Subscription inventoryGroup(ConsumerSettings settings, InventoryConsumer inventory) {
		return subscription(settings.inventory(), settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, inventory::handle), OrderConfirmed.TAG,
						EventHandler.of(OrderConfirmed.class, inventory::handle), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, inventory::handle)));
	}

	@Bean
	Subscription paymentGroup(ConsumerSettings settings, PaymentConsumer payment) {
		return subscription(settings.payment(), settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, payment::handle), OrderConfirmed.TAG,
						EventHandler.of(OrderConfirmed.class, payment::handle), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, payment::handle)));
	}

	@Bean
	Subscription pointsGroup(ConsumerSettings settings, PointsConsumer points) {
		return subscription(settings.points(), settings.orderTopic(),
				Map.of(OrderConfirmed.TAG, EventHandler.of(OrderConfirmed.class, points::handle), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, points::handle)));
	}

	/**
	 * The Try replies (InventoryReserved or InventoryRejected, PaymentFrozen or
	 * PaymentRejected), each with the local transaction of its rows.
	 */
	@Bean
	TopicPublisher tryReplies(TransactionalPublisher publisher, ConsumerSettings settings, JsonMapper json) {
		return new TopicPublisher(publisher, settings.replyTopic(), json).declaring(TryDecided.INVENTORY_RESERVED,
				TryDecided.INVENTORY_REJECTED, TryDecided.PAYMENT_FROZEN, TryDecided.PAYMENT_REJECTED);
	}

	private static Subscription subscription(ConsumerSettings.Group group, String topic,
			Map<String, EventHandler<?>> handlers) {
		return new Subscription(group.name(), group.threads(), topic, handlers);
	}

}
