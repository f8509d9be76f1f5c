package io.txorders.messaging.consume;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.spi.MessagingProbe;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a group turns handler results into acknowledgements: only what failed goes back to
 * the broker, with a backoff that grows with each attempt.
 */
class GroupListenerTest {

	private static final String BODY = "{\"orderId\":\"42\",\"userId\":\"u-1\",\"items\":[{\"sku\":\"BOOK-001\",\"quantity\":1,\"unitPrice\":9.50}],\"total\":9.50,\"createdAt\":\"2026-11-23T10:00:00Z\"}";

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final List<IncomingMessage> handled = new ArrayList<>();

	@Test
	void anAppliedMessageIsAcknowledgedAndCounted() {
		GroupListener listener = listener(Outcome.APPLIED);

		assertThat(listener.consume(message("OrderCreated", "42", BODY, 1))).isTrue();
		assertThat(this.handled).singleElement().satisfies(message -> {
			assertThat(message.key()).isEqualTo("42");
			assertThat(message.eventType()).isEqualTo("OrderCreated");
		});
		assertThat(count("APPLIED")).isEqualTo(1);
	}

	@Test
	void aDuplicateAndARejectionAreAcknowledged() {
		assertThat(listener(Outcome.DUPLICATE).consume(message("OrderCreated", "42", BODY, 2))).isTrue();
		assertThat(listener(Outcome.REJECTED).consume(message("OrderCreated", "42", BODY, 1))).isTrue();
		assertThat(count("DUPLICATE")).isEqualTo(1);
		assertThat(count("REJECTED")).isEqualTo(1);
	}

	@Test
	void aFailingHandlerAsksForRedelivery() {
		GroupListener listener = new GroupListener(
				inventory("OrderCreated", EventHandler.of(OrderCreated.class, (event, message) -> {
					throw new IllegalStateException("database unreachable");
				})), JsonMapper.builder().build(), MessagingProbe.NONE, this.meters);

		assertThat(listener.consume(message("OrderCreated", "42", BODY, 1))).isFalse();
		assertThat(count("FAILED")).isEqualTo(1);
	}

	@Test
	void anUnreadableBodyOrAMissingKeyAsksForRedeliverySoItEndsInTheDeadLetterQueue() {
		GroupListener listener = listener(Outcome.APPLIED);

		assertThat(listener.consume(message("OrderCreated", "42", "{not json", 1))).isFalse();
		assertThat(listener.consume(message("OrderCreated", null, BODY, 1))).isFalse();
		assertThat(this.handled).isEmpty();
	}

	@Test
	void theDeliveryAttemptIsOneMoreThanTheBrokersReconsumeCount() {
		listener(Outcome.APPLIED).consume(message("OrderCreated", "42", BODY, 3));

		assertThat(this.handled).singleElement().satisfies(message -> {
			assertThat(message.deliveryAttempt()).isEqualTo(3);
			assertThat(message.messageId()).isEqualTo("msg-42-3");
		});
	}

	@Test
	void aFailedMessageGoesBackWithABackoffThatGrowsWithEachAttempt() {
		GroupListener listener = listener(Outcome.APPLIED);
		ConsumeConcurrentlyContext first = context();
		ConsumeConcurrentlyContext fifth = context();

		assertThat(listener.consumeMessage(List.of(message("OrderCreated", "42", "{not json", 1)), first))
			.isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
		listener.consumeMessage(List.of(message("OrderCreated", "42", "{not json", 5)), fifth);

		assertThat(first.getAckIndex()).as("nothing acknowledged").isEqualTo(-1);
		assertThat(first.getDelayLevelWhenNextConsume()).as("level 1: 1 s").isEqualTo(1);
		assertThat(fifth.getDelayLevelWhenNextConsume()).as("level 5: 1 min").isEqualTo(5);
		assertThat(GroupListener.backoffLevel(40)).as("capped at level 18: 2 h").isEqualTo(18);
	}

	@Test
	void inABatchWhatPrecedesTheFirstFailureIsAcknowledgedAndTheRestGoesBack() {
		GroupListener listener = listener(Outcome.APPLIED);
		ConsumeConcurrentlyContext context = context();

		listener.consumeMessage(List.of(message("OrderCreated", "42", BODY, 1),
				message("OrderCreated", "42", "{not json", 1), message("OrderCreated", "42", BODY, 1)), context);

		assertThat(context.getAckIndex()).as("the first message only").isZero();
		assertThat(this.handled).hasSize(1);
	}

	@Test
	void aBatchThatAllAppliesIsAcknowledgedWhole() {
		ConsumeConcurrentlyContext context = context();

		assertThat(listener(Outcome.APPLIED).consumeMessage(
				List.of(message("OrderCreated", "42", BODY, 1), message("OrderCreated", "42", BODY, 1)), context))
			.isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
		assertThat(context.getAckIndex()).as("untouched: the consumer acknowledges all").isEqualTo(Integer.MAX_VALUE);
		assertThat(this.handled).hasSize(2);
	}

	@Test
	void aTagWithoutHandlerIsAcknowledgedWithoutEffect() {
		assertThat(listener(Outcome.APPLIED).consume(message("SomethingElse", "42", BODY, 1))).isTrue();
		assertThat(this.handled).isEmpty();
	}

	@Test
	void theProbeSeesEachMessageBeforeItIsAppliedAndAfterWithItsOutcome() {
		List<String> points = new ArrayList<>();
		MessagingProbe probe = new MessagingProbe() {
			@Override
			public void beforeApply(String group, IncomingMessage message) {
				points.add("beforeApply " + group + " " + message.key());
			}

			@Override
			public void afterApplied(String group, IncomingMessage message, Outcome outcome) {
				points.add("afterApplied " + group + " " + message.key() + " " + outcome);
			}
		};
		GroupListener listener = new GroupListener(
				inventory("OrderCreated", EventHandler.of(OrderCreated.class, (event, message) -> {
					points.add("handle " + event.orderId());
					return Outcome.REJECTED;
				})), JsonMapper.builder().build(), probe, this.meters);

		assertThat(listener.consume(message("OrderCreated", "42", BODY, 1))).isTrue();
		assertThat(points).containsExactly("beforeApply inventory 42", "handle 42",
				"afterApplied inventory 42 REJECTED");
	}

	/** The inventory group, subscribed to one tag with this handler. */
	private static EventConsumers.Subscription inventory(String tag, EventHandler<?> handler) {
		return new EventConsumers.Subscription("inventory", 1, "order-events", Map.of(tag, handler));
	}

	private GroupListener listener(Outcome outcome) {
		return new GroupListener(inventory("OrderCreated", EventHandler.of(OrderCreated.class, (event, message) -> {
			assertThat(event.orderIdAsLong()).isEqualTo(42);
			this.handled.add(message);
			return outcome;
		})), JsonMapper.builder().build(), MessagingProbe.NONE, this.meters);
	}

	private static ConsumeConcurrentlyContext context() {
		return new ConsumeConcurrentlyContext(new MessageQueue("order-events", "broker-a", 0));
	}

	private double count(String outcome) {
		return this.meters
			.counter("txorders.consumer.messages", "group", "inventory", "event", "OrderCreated", "outcome", outcome)
			.count();
	}

	/** The consumers' copy of the event producer-service publishes with each order. */
	record OrderCreated(String orderId, String userId, List<Line> items, BigDecimal total, Instant createdAt) {

		record Line(String sku, int quantity, BigDecimal unitPrice) {
		}

		long orderIdAsLong() {
			return Long.parseLong(this.orderId);
		}

	}

	private static MessageExt message(String tag, String key, String body, int attempt) {
		MessageExt message = new MessageExt();
		message.setTopic("order-events");
		message.setTags(tag);
		if (key != null) {
			message.setKeys(key);
		}
		message.setBody(body.getBytes(StandardCharsets.UTF_8));
		message.setMsgId("msg-" + key + "-" + attempt);
		message.setReconsumeTimes(attempt - 1);
		return message;
	}

}
