package io.txorders.consumer.messaging;

import java.nio.ByteBuffer;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * One consumer group's message listener: routes each message by tag to its handler and
 * turns the result into an acknowledgement. Failures return FAILURE, so the broker
 * redelivers with backoff and, after the group's retry limit, moves the message to the
 * group's DLQ.
 */
class GroupListener implements MessageListener {

	private static final Logger log = LoggerFactory.getLogger(GroupListener.class);

	private final String group;

	private final Map<String, EventHandler<?>> handlers;

	private final JsonMapper json;

	private final ConsumerProbe probe;

	private final MeterRegistry meters;

	GroupListener(String group, Map<String, EventHandler<?>> handlers, JsonMapper json, ConsumerProbe probe,
			MeterRegistry meters) {
		this.group = group;
		this.handlers = handlers;
		this.json = json;
		this.probe = probe;
		this.meters = meters;
	}

	@Override
	public ConsumeResult consume(MessageView view) {
		String eventType = view.getTag().orElse("");
		String key = view.getKeys().stream().findFirst().orElse("");
		IncomingMessage message = new IncomingMessage(eventType, key, view.getMessageId().toString(),
				view.getDeliveryAttempt());
		if (message.deliveryAttempt() > 1) {
			this.meters.counter("txorders.consumer.redeliveries", "group", this.group, "event", eventType).increment();
		}
		EventHandler<?> handler = this.handlers.get(eventType);
		if (handler == null) {
			log.warn("group {}: no handler for tag '{}' (message {} key {}); acknowledging", this.group, eventType,
					message.messageId(), key);
			count(eventType, "IGNORED");
			return ConsumeResult.SUCCESS;
		}
		try {
			if (key.isEmpty()) {
				throw new IllegalArgumentException("message has no key");
			}
			this.probe.beforeApply(this.group, message);
			Outcome outcome = apply(handler, view.getBody(), message);
			this.probe.afterApplied(this.group, message, outcome);
			count(eventType, outcome.name());
			if (outcome == Outcome.DUPLICATE) {
				log.info("group {}: {} {} already applied (delivery attempt {}), acknowledging", this.group, eventType,
						key, message.deliveryAttempt());
			}
			return ConsumeResult.SUCCESS;
		}
		catch (RuntimeException ex) {
			log.warn("group {}: {} {} failed on delivery attempt {}; the broker will redeliver: {}", this.group,
					eventType, key, message.deliveryAttempt(), ex.toString());
			count(eventType, "FAILED");
			return ConsumeResult.FAILURE;
		}
	}

	private <E> Outcome apply(EventHandler<E> handler, ByteBuffer body, IncomingMessage message) {
		byte[] bytes = new byte[body.remaining()];
		body.duplicate().get(bytes);
		E event = this.json.readValue(bytes, handler.eventClass());
		return handler.handle(event, message);
	}

	private void count(String eventType, String outcome) {
		this.meters.counter("txorders.consumer.messages", "group", this.group, "event", eventType, "outcome", outcome)
			.increment();
	}

}
