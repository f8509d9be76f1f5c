package io.txorders.messaging.consume;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.messaging.spi.MessagingProbe;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * One consumer group's message listener: routes each message by tag to its handler and
 * turns the result into an acknowledgement. A failed message goes back to the broker (the
 * group's retry topic) and is delivered again after a backoff of 1 s, 5 s, 10 s, 30 s, 1
 * min, 2 min, ... (RocketMQ's delay levels); after the group's retry limit the broker
 * moves it to the group's DLQ.
 * <p>
 * The same listener serves both transports: remoting's push consumer
 * ({@link MessageListenerConcurrently}) and client-java's through the proxy
 * ({@link MessageListener}), where a failed message becomes visible again after the
 * group's retry policy's backoff, up to its retry limit, then goes to the DLQ.
 */
class GroupListener implements MessageListenerConcurrently, MessageListener {

	private static final Logger log = LoggerFactory.getLogger(GroupListener.class);

	private final String group;

	private final Map<String, EventHandler<?>> handlers;

	private final JsonMapper json;

	private final MessagingProbe probe;

	private final MeterRegistry meters;

	GroupListener(EventConsumers.Subscription subscription, JsonMapper json, MessagingProbe probe,
			MeterRegistry meters) {
		this.group = subscription.group();
		this.handlers = Map.copyOf(subscription.handlers());
		this.json = json;
		this.probe = probe;
		this.meters = meters;
		declareMeters();
	}

	/**
	 * Every outcome of every event type this group handles, and its redeliveries, at
	 * zero: the alerts on failures have a series before the first message.
	 */
	private void declareMeters() {
		for (String eventType : this.handlers.keySet()) {
			redeliveries(eventType);
			messages(eventType, "FAILED");
			for (Outcome outcome : Outcome.values()) {
				messages(eventType, outcome.name());
			}
		}
		ExactlyOnce.declareCompensations(this.meters, this.group);
	}

	private Counter redeliveries(String eventType) {
		return this.meters.counter("txorders.consumer.redeliveries", "group", this.group, "event", eventType);
	}

	private Counter messages(String eventType, String outcome) {
		return this.meters.counter("txorders.consumer.messages", "group", this.group, "event", eventType, "outcome",
				outcome);
	}

	/**
	 * Applies the batch in order (one message unless the consumer is configured for
	 * more). At the first failure, the messages before it are acknowledged and the rest
	 * go back to the broker for a later attempt.
	 */
	@Override
	public ConsumeConcurrentlyStatus consumeMessage(List<MessageExt> messages, ConsumeConcurrentlyContext context) {
		for (int i = 0; i < messages.size(); i++) {
			MessageExt message = messages.get(i);
			if (!consume(message)) {
				context.setAckIndex(i - 1);
				context.setDelayLevelWhenNextConsume(backoffLevel(message.getReconsumeTimes()));
				return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
			}
		}
		return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
	}

	/**
	 * The broker's delay level for the next attempt: level 1 (1 s) after the first
	 * failure, then 5 s, 10 s, 30 s, 1 min, 2 min, ..., up to level 18 (2 h). The
	 * broker's own default starts at level 3 (10 s); a transient failure (a lock wait
	 * timeout, a deadlock) deserves a quicker first retry.
	 */
	static int backoffLevel(int reconsumeTimes) {
		return Math.min(reconsumeTimes + 1, 18);
	}

	/** Applies one message delivered over gRPC; FAILURE if it must be delivered again. */
	@Override
	public ConsumeResult consume(MessageView delivered) {
		String key = delivered.getKeys().isEmpty() ? "" : delivered.getKeys().iterator().next();
		java.nio.ByteBuffer buffer = delivered.getBody();
		byte[] body = new byte[buffer.remaining()];
		buffer.duplicate().get(body);
		boolean done = consume(delivered.getTag().orElse(""), key, String.valueOf(delivered.getMessageId()),
				delivered.getDeliveryAttempt(), body);
		return done ? ConsumeResult.SUCCESS : ConsumeResult.FAILURE;
	}

	/**
	 * Applies one message delivered over remoting; false if it must be delivered again.
	 */
	boolean consume(MessageExt delivered) {
		String eventType = (delivered.getTags() != null) ? delivered.getTags() : "";
		String key = (delivered.getKeys() != null) ? delivered.getKeys().split(MessageConst.KEY_SEPARATOR)[0] : "";
		return consume(eventType, key, delivered.getMsgId(), delivered.getReconsumeTimes() + 1, delivered.getBody());
	}

	/** Applies one message, whichever transport delivered it. */
	private boolean consume(String eventType, String key, String messageId, int deliveryAttempt, byte[] body) {
		IncomingMessage message = new IncomingMessage(eventType, key, messageId, deliveryAttempt);
		if (message.deliveryAttempt() > 1) {
			redeliveries(eventType).increment();
		}
		EventHandler<?> handler = this.handlers.get(eventType);
		if (handler == null) {
			log.warn("group {}: no handler for tag '{}' (message {} key {}); acknowledging", this.group, eventType,
					message.messageId(), key);
			count(eventType, "IGNORED");
			return true;
		}
		try {
			if (key.isEmpty()) {
				throw new IllegalArgumentException("message has no key");
			}
			this.probe.beforeApply(this.group, message);
			Outcome outcome = apply(handler, body, message);
			this.probe.afterApplied(this.group, message, outcome);
			count(eventType, outcome.name());
			if (outcome == Outcome.DUPLICATE) {
				log.info("group {}: {} {} already applied (delivery attempt {}), acknowledging", this.group, eventType,
						key, message.deliveryAttempt());
			}
			return true;
		}
		catch (RuntimeException ex) {
			log.warn("group {}: {} {} failed on delivery attempt {}; the broker will redeliver: {}", this.group,
					eventType, key, message.deliveryAttempt(), ex.toString());
			count(eventType, "FAILED");
			return false;
		}
	}

	private <E> Outcome apply(EventHandler<E> handler, byte[] body, IncomingMessage message) {
		E event = this.json.readValue(body, handler.eventClass());
		return handler.handle(event, message);
	}

	private void count(String eventType, String outcome) {
		messages(eventType, outcome).increment();
	}

}
