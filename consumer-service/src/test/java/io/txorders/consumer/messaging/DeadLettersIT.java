package io.txorders.consumer.messaging;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import io.txorders.messaging.consume.Outcome;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failures: a transient one is retried by the broker with backoff and then applied once;
 * one that never passes lands in the group's dead-letter queue after the bounded attempts
 * (1 + 3 retries here), and a redrive after the fix applies it once.
 */
@ConsumerServiceTest
class DeadLettersIT {

	private static final Duration SETTLE = Duration.ofSeconds(120);

	private static final int POISON = 12;

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private RecordingProbe probe;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private Environment environment;

	@Test
	void aTransientFailureIsRetriedWithBackoffAndThenAppliedOnce() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		this.probe.failBeforeApply(orderId, "inventory", 2);

		publish(orderId, sku, 3);

		await("applied after two failed attempts").atMost(SETTLE)
			.until(() -> this.probe.outcomes(orderId, "inventory").contains(Outcome.APPLIED));
		assertThat(this.probe.failuresInjected(orderId, "inventory")).isEqualTo(2);
		assertThat(this.probe.attempts(orderId, "inventory")).containsExactly(3);
		assertThat(stock(sku)).isEqualTo("7/3");
	}

	/**
	 * A dozen poison messages: more than one pull batch (10) of the reader that lists the
	 * dead-letter topic, so a listing that stops at the first slow pull misses some.
	 */
	@Test
	void poisonMessagesAreDeadLetteredAndARedriveAfterTheFixAppliesEachOnce() throws Exception {
		String sku = stockedSku(100);
		List<Long> orderIds = LongStream.range(0, POISON).map(i -> newOrderId()).boxed().toList();
		for (long orderId : orderIds) {
			this.probe.failBeforeApplyUntilHealed(orderId, "inventory");
			publish(orderId, sku, 2);
		}

		await("every message in inventory's dead-letter queue").atMost(SETTLE)
			.until(() -> deadLetters(orderIds).size() == POISON);
		for (long orderId : orderIds) {
			assertThat(this.probe.failuresInjected(orderId, "inventory")).as("first delivery and 3 retries")
				.isEqualTo(4);
		}
		assertThat(deadLetters(orderIds).values()).flatMap(letters -> letters).allSatisfy(letter -> {
			assertThat(letter.get("redriven").asBoolean()).isFalse();
			assertThat(letter.get("tag").asString()).isEqualTo("OrderCreated");
		});
		assertThat(stock(sku)).as("nothing reserved while failing").isEqualTo("100/0");
		// The other group OrderCreated reaches is not held up: payment rejects each (the
		// customer u-dlq has no account).
		await("payment applied every order meanwhile").atMost(SETTLE)
			.until(() -> orderIds.stream()
				.allMatch(orderId -> this.probe.outcomes(orderId, "payment").contains(Outcome.REJECTED)));

		orderIds.forEach(orderId -> this.probe.heal(orderId, "inventory"));
		JsonNode redrive = post("/admin/dead-letters/inventory/redrive");

		assertThat(redrive.get("redriven").asInt()).isGreaterThanOrEqualTo(POISON);
		await("applied after the redrive").atMost(SETTLE)
			.until(() -> orderIds.stream()
				.allMatch(orderId -> this.probe.outcomes(orderId, "inventory").contains(Outcome.APPLIED)));
		await("the redriven copies reached payment too, and were duplicates there").atMost(SETTLE)
			.until(() -> orderIds.stream()
				.allMatch(orderId -> this.probe.outcomes(orderId, "payment").contains(Outcome.DUPLICATE)));
		assertThat(stock(sku)).isEqualTo((100 - 2 * POISON) + "/" + (2 * POISON));
		assertThat(
				this.jdbc.queryForObject(
						"SELECT COUNT(*) FROM payment_rejection WHERE order_id IN ("
								+ String.join(",", Collections.nCopies(POISON, "?")) + ")",
						Integer.class, orderIds.toArray()))
			.as("one payment rejection per order")
			.isEqualTo(POISON);
		assertThat(deadLetters(orderIds)).hasSize(POISON);
		assertThat(deadLetters(orderIds).values()).flatMap(letters -> letters)
			.allSatisfy(letter -> assertThat(letter.get("redriven").asBoolean()).isTrue());
		assertThat(post("/admin/dead-letters/inventory/redrive").get("redriven").asInt())
			.as("a dead letter goes back once")
			.isZero();
	}

	@Test
	void everyGroupOfTheServiceHasDeadLettersToList() throws Exception {
		for (String group : List.of("inventory", "payment", "points")) {
			HttpResponse<String> response = http.send(admin("/admin/dead-letters/" + group).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(group + ": " + response.body()).isEqualTo(200);
			assertThat(json.readTree(response.body()).isArray()).as(group).isTrue();
		}
	}

	@Test
	void anUnknownGroupHasNoDeadLetters() throws Exception {
		HttpResponse<String> response = http.send(admin("/admin/dead-letters/nope").build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void theAdminEndpointsRefuseMissingOrWrongCredentials() throws Exception {
		HttpResponse<String> none = http.send(
				HttpRequest.newBuilder(base().resolve("/admin/dead-letters/inventory")).build(),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(base().resolve("/admin/dead-letters/points"))
			.header("Authorization", basic(ConsumerServiceTest.ADMIN_USER, "not-the-password"))
			.build(), HttpResponse.BodyHandlers.ofString());

		for (HttpResponse<String> response : List.of(none, wrong)) {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
			assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(401);
		}
		assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"txorders admin\"");
	}

	private HttpRequest.Builder admin(String path) {
		return HttpRequest.newBuilder(base().resolve(path))
			.header("Authorization", basic(ConsumerServiceTest.ADMIN_USER, ConsumerServiceTest.ADMIN_PASSWORD));
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The listed dead letters of these orders, by order id. An order may have more than
	 * one (a retry whose send-back timed out is sent again), but none is listed twice.
	 */
	private Map<Long, List<JsonNode>> deadLetters(List<Long> orderIds) throws Exception {
		HttpResponse<String> response = http.send(admin("/admin/dead-letters/inventory").build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<JsonNode> listed = json.readTree(response.body()).valueStream().toList();
		assertThat(listed).extracting(letter -> letter.get("messageId").asString())
			.as("each dead letter listed once")
			.doesNotHaveDuplicates();
		Map<Long, List<JsonNode>> found = new HashMap<>();
		for (long orderId : orderIds) {
			List<JsonNode> letters = listed.stream()
				.filter(letter -> Long.toString(orderId).equals(letter.get("key").asString()))
				.toList();
			if (!letters.isEmpty()) {
				found.put(orderId, letters);
			}
		}
		return found;
	}

	private JsonNode post(String path) throws Exception {
		HttpResponse<String> response = http.send(admin(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private URI base() {
		return URI.create("http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port"));
	}

	private static void publish(long orderId, String sku, int quantity) throws Exception {
		String body = """
				{"orderId":"%d","userId":"u-dlq","items":[{"sku":"%s","quantity":%d,"unitPrice":1.00}],"total":%d,"createdAt":"2026-11-23T10:00:00Z"}
				"""
			.formatted(orderId, sku, quantity, quantity);
		ProxyPublisher.shared().publish(OrderCreated.TAG, Long.toString(orderId), body);
	}

	private String stockedSku(int available) {
		String sku = "DLQ-" + UUID.randomUUID().toString().substring(0, 12);
		this.jdbc.update("INSERT INTO stock (sku, available) VALUES (?, ?)", sku, available);
		return sku;
	}

	private String stock(String sku) {
		return this.jdbc.queryForObject("SELECT CONCAT(available, '/', reserved) FROM stock WHERE sku = ?",
				String.class, sku);
	}

	private static long newOrderId() {
		return Math.abs(UUID.randomUUID().getMostSignificantBits() >> 1);
	}

}
