package io.txorders.consumer.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.message.MessageId;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a group turns handler results into acknowledgements: the broker redelivers only
 * what returned FAILURE.
 */
class GroupListenerTest {

	private static final String BODY = "{\"orderId\":\"42\",\"userId\":\"u-1\",\"items\":[{\"sku\":\"BOOK-001\",\"quantity\":1,\"unitPrice\":9.50}],\"total\":9.50,\"createdAt\":\"2026-11-23T10:00:00Z\"}";

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final List<IncomingMessage> handled = new ArrayList<>();

	@Test
	void anAppliedMessageIsAcknowledgedAndCounted() {
		GroupListener listener = listener(Outcome.APPLIED);

		assertThat(listener.consume(message("OrderCreated", "42", BODY, 1))).isEqualTo(ConsumeResult.SUCCESS);
		assertThat(this.handled).singleElement().satisfies(message -> {
			assertThat(message.key()).isEqualTo("42");
			assertThat(message.eventType()).isEqualTo("OrderCreated");
		});
		assertThat(count("APPLIED")).isEqualTo(1);
	}

	@Test
	void aDuplicateAndARejectionAreAcknowledged() {
		assertThat(listener(Outcome.DUPLICATE).consume(message("OrderCreated", "42", BODY, 2)))
			.isEqualTo(ConsumeResult.SUCCESS);
		assertThat(listener(Outcome.REJECTED).consume(message("OrderCreated", "42", BODY, 1)))
			.isEqualTo(ConsumeResult.SUCCESS);
		assertThat(count("DUPLICATE")).isEqualTo(1);
		assertThat(count("REJECTED")).isEqualTo(1);
	}

	@Test
	void aFailingHandlerAsksForRedelivery() {
		GroupListener listener = new GroupListener("inventory",
				Map.of("OrderCreated", EventHandler.of(OrderCreated.class, (event, message) -> {
					throw new IllegalStateException("database unreachable");
				})), JsonMapper.builder().build(), ConsumerProbe.NONE, this.meters);

		assertThat(listener.consume(message("OrderCreated", "42", BODY, 1))).isEqualTo(ConsumeResult.FAILURE);
		assertThat(count("FAILED")).isEqualTo(1);
	}

	@Test
	void anUnreadableBodyOrAMissingKeyAsksForRedeliverySoItEndsInTheDeadLetterQueue() {
		GroupListener listener = listener(Outcome.APPLIED);

		assertThat(listener.consume(message("OrderCreated", "42", "{not json", 1))).isEqualTo(ConsumeResult.FAILURE);
		assertThat(listener.consume(message("OrderCreated", null, BODY, 1))).isEqualTo(ConsumeResult.FAILURE);
		assertThat(this.handled).isEmpty();
	}

	@Test
	void aTagWithoutHandlerIsAcknowledgedWithoutEffect() {
		assertThat(listener(Outcome.APPLIED).consume(message("SomethingElse", "42", BODY, 1)))
			.isEqualTo(ConsumeResult.SUCCESS);
		assertThat(this.handled).isEmpty();
	}

	private GroupListener listener(Outcome outcome) {
		return new GroupListener("inventory",
				Map.of("OrderCreated", EventHandler.of(OrderCreated.class, (event, message) -> {
					assertThat(event.orderIdAsLong()).isEqualTo(42);
					this.handled.add(message);
					return outcome;
				})), JsonMapper.builder().build(), ConsumerProbe.NONE, this.meters);
	}

	private double count(String outcome) {
		return this.meters
			.counter("txorders.consumer.messages", "group", "inventory", "event", "OrderCreated", "outcome", outcome)
			.count();
	}

	private static MessageView message(String tag, String key, String body, int attempt) {
		return new MessageView() {
			@Override
			public MessageId getMessageId() {
				return new MessageId() {
					@Override
					public String getVersion() {
						return "V1";
					}

					@Override
					public String toString() {
						return "msg-" + key + "-" + attempt;
					}
				};
			}

			@Override
			public String getTopic() {
				return "order-events";
			}

			@Override
			public ByteBuffer getBody() {
				return ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
			}

			@Override
			public Map<String, String> getProperties() {
				return Map.of();
			}

			@Override
			public Optional<String> getTag() {
				return Optional.of(tag);
			}

			@Override
			public Collection<String> getKeys() {
				return (key == null) ? List.of() : List.of(key);
			}

			@Override
			public Optional<String> getMessageGroup() {
				return Optional.empty();
			}

			@Override
			public Optional<String> getLiteTopic() {
				return Optional.empty();
			}

			@Override
			public Optional<Long> getDeliveryTimestamp() {
				return Optional.empty();
			}

			@Override
			public Optional<Integer> getPriority() {
				return Optional.empty();
			}

			@Override
			public String getBornHost() {
				return "127.0.0.1";
			}

			@Override
			public long getBornTimestamp() {
				return 0;
			}

			@Override
			public int getDeliveryAttempt() {
				return attempt;
			}
		};
	}

}
