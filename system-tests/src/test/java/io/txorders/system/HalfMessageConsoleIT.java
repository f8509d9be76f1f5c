package io.txorders.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.txorders.invariants.BrokerInvariants;
import io.txorders.invariants.DatabaseInvariants;
import io.txorders.invariants.Report;
import io.txorders.testsupport.RawPublisher;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The half-message console as an operator reaches it on the stack {@code deploy/local}
 * starts: {@code GET /admin/api/half-messages} on producer-service lists a half message
 * of the orders' producer group that is still open; one the broker discarded after
 * {@code transactionCheckMax} check-backs is listed as discarded and resolved over the
 * API, once; consumer-service's console is reached through producer-service.
 * <p>
 * The open one carries {@code CHECK_IMMUNITY_TIME_IN_SECONDS} so the broker does not ask
 * about it while the test looks (its check count still rises every pass, so it is
 * discarded with the other; resolving it drops it and the barrier records the rollback).
 * The other has no {@code txId} property: every member of the group answers its
 * check-backs UNKNOWN (not one of the kit's messages), so the broker gives up after 15
 * checks, one a second here; resolving it drops it. The invariant checker counts both
 * until they are resolved.
 */
@TestInstance(Lifecycle.PER_CLASS)
@Order(3)
class HalfMessageConsoleIT {

	/** producer-service's transactional producer group on the local stack. */
	private static final String ORDERS_GROUP = "order-service-tx";

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private LocalStackProcess stack;

	private RawPublisher producer;

	@BeforeAll
	void aMemberOfTheOrdersGroupThatNeverAnswers() throws Exception {
		this.stack = LocalStackProcess.shared();
		// Any check-back of the group may land here: UNKNOWN only delays it.
		this.producer = new RawPublisher(this.stack.nameServer(), ORDERS_GROUP, LocalTransactionState.UNKNOW);
	}

	@AfterAll
	void stopTheProducer() {
		if (this.producer != null) {
			this.producer.close();
		}
	}

	@Test
	void anOpenHalfIsListedAndADiscardedOneIsResolvedOnceOverTheAdminApi() throws Exception {
		String openTx = "tx-" + UUID.randomUUID();
		String openId = sendHalf("half-open-" + UUID.randomUUID(), openTx, 300);
		String discardedId = sendHalf("half-discarded-" + UUID.randomUUID(), null, 0);
		URI producerService = this.stack.producer();

		JsonNode open = await("the open half listed").atMost(Duration.ofSeconds(30))
			.until(() -> find(admin(producerService, "GET", "/admin/api/half-messages?limit=1000", 200).get("open"),
					openId), (found) -> found != null);
		assertThat(open.get("producerGroup").asString()).isEqualTo(ORDERS_GROUP);
		assertThat(open.get("topic").asString()).isEqualTo("order-events");
		assertThat(open.get("txId").asString()).isEqualTo(openTx);
		assertThat(open.get("barrier").asString()).as("no record yet: a check-back now would roll it back")
			.isEqualTo("NO_RECORD");
		assertThat(open.get("broker").asString()).isNotBlank();

		// The immunity delays the first check-back, not the count: both reach
		// 15 together.
		await("both halves discarded after 15 check-backs").atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofSeconds(2))
			.until(() -> {
				JsonNode listed = admin(producerService, "GET", "/admin/api/half-messages?limit=1000", 200)
					.get("discarded");
				return find(listed, discardedId) != null && find(listed, openId) != null;
			});
		JsonNode discarded = find(
				admin(producerService, "GET", "/admin/api/half-messages?limit=1000", 200).get("discarded"),
				discardedId);
		assertThat(discarded.get("barrier").asString()).isEqualTo("NO_TX_ID");
		assertThat(discarded.get("checks").asInt()).isGreaterThanOrEqualTo(15);
		assertThat(discarded.get("resolution").isNull()).isTrue();
		String resolve = "/admin/api/half-messages/discarded/" + discarded.get("broker").asString() + "/"
				+ discarded.get("offset").asLong() + "/resolve";

		assertThat(discardedViolations()).as("the invariant checker before the resolves").isOne();
		JsonNode unrecorded = find(
				admin(producerService, "GET", "/admin/api/half-messages?limit=1000", 200).get("discarded"), openId);
		JsonNode rolledBack = admin(producerService, "POST", "/admin/api/half-messages/discarded/"
				+ unrecorded.get("broker").asString() + "/" + unrecorded.get("offset").asLong() + "/resolve", 200);
		assertThat(rolledBack.get("discarded").get("resolution").get("action").asString()).isEqualTo("DROPPED");
		assertThat(rolledBack.get("discarded").get("resolution").get("barrierAnswer").asString())
			.as("no record: the barrier records the rollback")
			.isEqualTo("ROLLBACK");
		assertThat(new JdbcTemplate(this.stack.ordersDatabase())
			.queryForObject("SELECT state FROM transaction_record WHERE tx_id = ?", String.class, openTx))
			.isEqualTo("ROLLED_BACK");
		assertThat(discardedViolations()).as("one of two resolved").isOne();

		JsonNode first = admin(producerService, "POST", resolve, 200);
		JsonNode again = admin(producerService, "POST", resolve, 200);

		assertThat(first.get("alreadyResolved").asBoolean()).isFalse();
		assertThat(first.get("discarded").get("resolution").get("action").asString()).isEqualTo("DROPPED");
		assertThat(first.get("discarded").get("resolution").get("resolvedBy").asString())
			.startsWith(LocalStackProcess.ADMIN_USER + " via ");
		assertThat(again.get("alreadyResolved").asBoolean()).isTrue();
		assertThat(again.get("discarded").get("resolution").get("resolvedAt"))
			.isEqualTo(first.get("discarded").get("resolution").get("resolvedAt"));
		JsonNode listed = find(
				admin(producerService, "GET", "/admin/api/half-messages?limit=1000", 200).get("discarded"),
				discardedId);
		assertThat(listed.get("resolution").get("action").asString()).isEqualTo("DROPPED");
		assertThat(discardedViolations()).as("resolved: counted, no longer a violation").isZero();

		// Refusals name the problem; no credentials, no console.
		String noSuch = "/admin/api/half-messages/discarded/" + discarded.get("broker").asString()
				+ "/999999999/resolve";
		assertThat(admin(producerService, "POST", noSuch, 404).get("detail").asString())
			.contains("no discarded message at offset 999999999");
		assertThat(admin(producerService, "POST", "/admin/api/half-messages/discarded/broker-a/last/resolve", 400)
			.get("detail")
			.asString()).contains("offset must be a whole number");
		HttpResponse<String> anonymous = http.send(
				HttpRequest.newBuilder(producerService.resolve("/admin/api/half-messages")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(401);

		// consumer-service's console, through producer-service: its own group only.
		JsonNode replies = admin(producerService, "GET", "/admin/api/consumer/half-messages", 200);
		assertThat(replies.get("groups").valueStream().map(JsonNode::asString)).doesNotContain(ORDERS_GROUP)
			.isNotEmpty();
		assertThat(replies.get("brokers").valueStream()).isNotEmpty()
			.allSatisfy((broker) -> assertThat(broker.get("error").isNull()).as(broker.toString()).isTrue());
		assertThat(find(replies.get("discarded"), discardedId)).as("another group's message").isNull();
	}

	/** The invariant checker's broker part, with the resolutions both databases hold. */
	private int discardedViolations() {
		DatabaseInvariants databases = new DatabaseInvariants(this.stack.ordersDatabase(),
				this.stack.consumerDatabase());
		try (BrokerInvariants broker = new BrokerInvariants(this.stack.nameServer(), List.of())) {
			Report report = new Report();
			broker.check(report, databases::halvesResolved);
			return report.count(BrokerInvariants.DISCARDED);
		}
	}

	private String sendHalf(String key, String txId, int immunitySeconds) throws Exception {
		Message message = new Message("order-events", "HalfConsoleIT", key,
				("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
		if (txId != null) {
			message.putUserProperty("txId", txId);
		}
		if (immunitySeconds > 0) {
			MessageAccessor.putProperty(message, MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS,
					String.valueOf(immunitySeconds));
		}
		return this.producer.sendHalf(message);
	}

	private static JsonNode find(JsonNode messages, String messageId) {
		return messages.valueStream()
			.filter((message) -> message.get("messageId").asString().equals(messageId))
			.findFirst()
			.orElse(null);
	}

	private static JsonNode admin(URI app, String method, String path, int expected) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(app.resolve(path))
			.header("Authorization", LocalStackProcess.adminAuthorization())
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
		return json.readTree(response.body());
	}

}
