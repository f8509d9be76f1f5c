package io.txorders.producer.order;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Group {@code order-replies}: InventoryReserved confirms the order; InventoryRejected
 * cancels it and publishes OrderCancelled, so the other groups undo their effects. A
 * thrown exception makes the broker redeliver later.
 */
@Component
@RocketMQMessageListener(topic = "${txorders.orders.inventory-topic}", consumerGroup = "${txorders.orders.reply-group}",
		selectorExpression = InventoryDecided.RESERVED + " || " + InventoryDecided.REJECTED)
class InventoryReplyConsumer implements RocketMQListener<MessageExt> {

	private static final Logger log = LoggerFactory.getLogger(InventoryReplyConsumer.class);

	private final OrderConfirmations confirmations;

	private final OrderCancellations cancellations;

	private final OrderSettings settings;

	private final JsonMapper json;

	private final MeterRegistry meters;

	InventoryReplyConsumer(OrderConfirmations confirmations, OrderCancellations cancellations, OrderSettings settings,
			JsonMapper json, MeterRegistry meters) {
		this.meters = meters;
		this.confirmations = confirmations;
		this.cancellations = cancellations;
		this.settings = settings;
		this.json = json;
	}

	@Override
	public void onMessage(MessageExt message) {
		if (message.getReconsumeTimes() > 0) {
			this.meters
				.counter("txorders.consumer.redeliveries", "group", this.settings.replyGroup(), "event",
						String.valueOf(message.getTags()))
				.increment();
		}
		InventoryDecided reply = this.json.readValue(new String(message.getBody(), StandardCharsets.UTF_8),
				InventoryDecided.class);
		long orderId = Long.parseLong(reply.orderId());
		var trigger = new CancelAttempt.Trigger(this.settings.replyGroup(), message.getTags(), reply.orderId(),
				message.getMsgId());
		if (InventoryDecided.RESERVED.equals(message.getTags())) {
			boolean confirmed = this.confirmations.confirm(orderId, trigger);
			log.info("order {}: stock reserved{}", orderId, confirmed ? ", CONFIRMED" : " (no change)");
			return;
		}
		CancelAttempt cancel = this.cancellations.cancel(orderId, "INVENTORY_REJECTED", Set.of(OrderStatus.CREATED),
				trigger);
		log.info("order {}: stock rejected ({}), {}", orderId, reply.reason(), cancel.outcome());
	}

}
