package io.txorders.producer.order.confirm;

import java.util.Map;

import io.txorders.messaging.consume.EventConsumers.Subscription;
import io.txorders.messaging.consume.EventHandler;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.producer.order.OrderSettings;
import io.txorders.producer.order.store.Participant;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Group {@code order-replies}, the coordinator's ear: every participant's reply to an
 * order's Try goes to {@link OrderCoordinator}. A thrown exception makes the broker
 * redeliver.
 */
@Configuration(proxyBeanMethods = false)
class TryReplyConsumer {

	private final OrderCoordinator coordinator;

	private final OrderSettings settings;

	TryReplyConsumer(OrderCoordinator coordinator, OrderSettings settings) {
		this.coordinator = coordinator;
		this.settings = settings;
	}

	@Bean
	Subscription tryReplies() {
		return new Subscription(this.settings.replyGroup(), this.settings.replyThreads(), this.settings.replyTopic(),
				Map.of(TryDecided.INVENTORY_RESERVED, handler(Participant.INVENTORY), TryDecided.INVENTORY_REJECTED,
						handler(Participant.INVENTORY), TryDecided.PAYMENT_FROZEN, handler(Participant.PAYMENT),
						TryDecided.PAYMENT_REJECTED, handler(Participant.PAYMENT)));
	}

	private EventHandler<TryDecided> handler(Participant participant) {
		return EventHandler.of(TryDecided.class,
				(TryDecided reply, IncomingMessage message) -> handle(participant, reply, message));
	}

	Outcome handle(Participant participant, TryDecided reply, IncomingMessage message) {
		return this.coordinator.record(participant, reply, message);
	}

}
