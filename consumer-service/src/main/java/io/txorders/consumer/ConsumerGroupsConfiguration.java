package io.txorders.consumer;

import java.util.Map;

import io.txorders.consumer.inventory.InventoryConsumer;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.InventoryDecided;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.points.PointsConsumer;
import io.txorders.messaging.consume.EventConsumers.Subscription;
import io.txorders.messaging.consume.EventHandler;

import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.messaging.publish.TransactionalPublisher;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The consumer groups and what each applies: both read the order topic, and each handles
 * OrderCreated and OrderCancelled; the kit starts a push consumer per subscription. And
 * where inventory's replies go.
 */
@Configuration(proxyBeanMethods = false)
class ConsumerGroupsConfiguration {

	@Bean
	Subscription inventoryGroup(ConsumerSettings settings, InventoryConsumer inventory) {
		return subscription(settings.inventory(), settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, inventory::handle), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, inventory::handle)));
	}

	@Bean
	Subscription pointsGroup(ConsumerSettings settings, PointsConsumer points) {
		return subscription(settings.points(), settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, points::handle), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, points::handle)));
	}

	/**
	 * InventoryReserved and InventoryRejected, each with the local transaction of its
	 * rows.
	 */
	@Bean
	TopicPublisher inventoryReplies(TransactionalPublisher publisher, ConsumerSettings settings, JsonMapper json) {
		return new TopicPublisher(publisher, settings.replyTopic(), json).declaring(InventoryDecided.RESERVED,
				InventoryDecided.REJECTED);
	}

	private static Subscription subscription(ConsumerSettings.Group group, String topic,
			Map<String, EventHandler<?>> handlers) {
		return new Subscription(group.name(), group.threads(), topic, handlers);
	}

}
