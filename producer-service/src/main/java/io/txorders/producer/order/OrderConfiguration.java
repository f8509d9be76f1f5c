package io.txorders.producer.order;

import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.producer.order.cancel.OrderCancelled;
import io.txorders.producer.order.confirm.OrderConfirmed;
import io.txorders.producer.order.place.OrderCreated;
import io.txorders.messaging.publish.TransactionalPublisher;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OrderConfiguration {

	/**
	 * OrderCreated, OrderConfirmed and OrderCancelled, each with the local transaction of
	 * its rows.
	 */
	@Bean
	TopicPublisher orderEvents(TransactionalPublisher publisher, OrderSettings settings, JsonMapper json) {
		return new TopicPublisher(publisher, settings.topic(), json).declaring(OrderCreated.TAG, OrderConfirmed.TAG,
				OrderCancelled.TAG);
	}

}
