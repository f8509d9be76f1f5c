package io.txorders.consumer.messaging;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.txorders.messaging.consume.Outcome;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * consumer-service against the real broker (through the gRPC proxy) and the real
 * database: each group applies each order's effect exactly once, whatever arrives.
 */
@ConsumerServiceTest
class OrderCreatedEffectsIT {

	private static final Duration DELIVERY = Duration.ofSeconds(90);

	@Autowired
	private RecordingProbe probe;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private org.springframework.core.env.Environment environment;

	@Test
	void theSameOrderCreatedSentTwiceIsAppliedOncePerGroup() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();

		publish(orderCreated(orderId, "u-twice", sku, 3, "10.00"));
		publish(orderCreated(orderId, "u-twice", sku, 3, "10.00"));

		await("both copies handled by both groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2
					&& this.probe.outcomes(orderId, "points").size() == 2);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.DUPLICATE);
		assertThat(this.probe.outcomes(orderId, "points")).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.DUPLICATE);
		assertThat(stock(sku)).containsExactly(7, 3);
		assertThat(count("SELECT COUNT(*) FROM reservation WHERE order_id = ?", orderId)).isEqualTo(1);
		assertThat(
				this.jdbc.queryForList("SELECT points FROM points_ledger WHERE order_id = ?", Integer.class, orderId))
			.containsExactly(30);
		assertThat(count("SELECT COUNT(*) FROM consumed_message WHERE message_key = ?", orderId)).isEqualTo(2);
		try (TopicProbe replies = new TopicProbe(LocalInfra.shared().nameServer(), "inventory-events")) {
			replies.awaitKeys(DELIVERY, Long.toString(orderId));
			replies.readAll(Duration.ofSeconds(3));
			assertThat(replies.withKey(Long.toString(orderId))).as("the duplicate published no second reply")
				.hasSize(1);
		}
	}

	@Test
	void anEffectWhoseAcknowledgementIsLostIsRedeliveredAndNotAppliedAgain() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		this.probe.failAcknowledgementOnce(orderId, "inventory");

		publish(orderCreated(orderId, "u-redelivered", sku, 4, "2.50"));

		await("redelivery after the lost acknowledgement").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactly(Outcome.APPLIED, Outcome.DUPLICATE);
		assertThat(this.probe.attempts(orderId, "inventory")).as("the broker redelivered the same message")
			.containsExactly(1, 2);
		assertThat(stock(sku)).containsExactly(6, 4);
		assertThat(count("SELECT COUNT(*) FROM reservation WHERE order_id = ?", orderId)).isEqualTo(1);
	}

	@Test
	void anOrderForMoreThanTheStockIsRejectedAndLeavesTheStockAlone() throws Exception {
		String sku = stockedSku(1);
		long orderId = newOrderId();

		publish(orderCreated(orderId, "u-short", sku, 2, "5.00"));

		await().atMost(DELIVERY).until(() -> !this.probe.outcomes(orderId, "inventory").isEmpty());
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactly(Outcome.REJECTED);
		assertThat(stock(sku)).containsExactly(1, 0);
		assertThat(this.jdbc.queryForObject("SELECT reason FROM inventory_rejection WHERE order_id = ?", String.class,
				orderId))
			.contains(sku)
			.contains("needs 2");
	}

	@Test
	void ordersRacingForTheLastUnitsNeverDriveStockNegative() throws Exception {
		String sku = stockedSku(5);
		List<Long> orders = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 12; i++) {
			long orderId = newOrderId();
			orders.add(orderId);
			publish(orderCreated(orderId, "u-race-" + i, sku, 1, "1.00"));
		}

		await("all orders handled").atMost(DELIVERY)
			.until(() -> orders.stream().allMatch(id -> !this.probe.outcomes(id, "inventory").isEmpty()));
		long reserved = orders.stream()
			.filter(id -> this.probe.outcomes(id, "inventory").contains(Outcome.APPLIED))
			.count();
		assertThat(reserved).isEqualTo(5);
		assertThat(stock(sku)).containsExactly(0, 5);
		assertThat(count("SELECT COUNT(*) FROM reservation WHERE sku = ?", sku)).isEqualTo(5);
	}

	@Test
	void inventoryRepliesInTheSameTransactionReservedOrRejected() throws Exception {
		String sku = stockedSku(1);
		long reserved = newOrderId();
		long rejected = newOrderId();

		publish(orderCreated(reserved, "u-reply", sku, 1, "3.00"));
		await().atMost(DELIVERY).until(() -> !this.probe.outcomes(reserved, "inventory").isEmpty());
		publish(orderCreated(rejected, "u-reply", sku, 1, "3.00"));

		try (TopicProbe replies = new TopicProbe(LocalInfra.shared().nameServer(), "inventory-events")) {
			var seen = replies.awaitKeys(DELIVERY, Long.toString(reserved), Long.toString(rejected));
			assertThat(seen.get(Long.toString(reserved))).singleElement()
				.satisfies(reply -> assertThat(reply.getTags()).isEqualTo("InventoryReserved"));
			assertThat(seen.get(Long.toString(rejected))).singleElement().satisfies(reply -> {
				assertThat(reply.getTags()).isEqualTo("InventoryRejected");
				assertThat(new String(reply.getBody())).contains(sku).contains("needs 1");
			});
		}
	}

	@Test
	void aReplyWhoseCommitNeverReachesTheBrokerIsCommittedByTheCheckBack() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		this.probe.loseReplyCommitOnce(orderId);

		publish(orderCreated(orderId, "u-lost-commit", sku, 2, "1.00"));

		try (TopicProbe replies = new TopicProbe(LocalInfra.shared().nameServer(), "inventory-events")) {
			List<MessageExt> reply = replies.awaitKeys(DELIVERY, Long.toString(orderId)).get(Long.toString(orderId));
			assertThat(reply).singleElement()
				.satisfies(message -> assertThat(message.getTags()).isEqualTo("InventoryReserved"));
			assertThat(this.jdbc.queryForList("SELECT answer FROM checkback_answer WHERE tx_id = ?", String.class,
					reply.get(0).getUserProperty("txId")))
				.as("the broker asked, and the database answered")
				.contains("COMMIT");
		}
		await().atMost(DELIVERY).until(() -> !this.probe.outcomes(orderId, "inventory").isEmpty());
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactly(Outcome.APPLIED);
		assertThat(this.probe.attempts(orderId, "inventory")).as("the caller heard COMMITTED: no redelivery")
			.containsExactly(1);
		assertThat(stock(sku)).containsExactly(8, 2);
	}

	@Test
	void aCancelledOrderIsCompensatedOnceEvenIfTheCancelIsDeliveredTwice() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		publish(orderCreated(orderId, "u-cancel", sku, 3, "10.00"));
		await().atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").contains(Outcome.APPLIED)
					&& this.probe.outcomes(orderId, "points").contains(Outcome.APPLIED));

		publish(OrderCancelled.TAG, orderCancelled(orderId, "u-cancel"));
		publish(OrderCancelled.TAG, orderCancelled(orderId, "u-cancel"));

		await("both cancels handled by both groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 3
					&& this.probe.outcomes(orderId, "points").size() == 3);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.APPLIED, Outcome.DUPLICATE);
		assertThat(stock(sku)).as("reservation released once").containsExactly(10, 0);
		assertThat(this.jdbc.queryForList("SELECT status FROM reservation WHERE order_id = ?", String.class, orderId))
			.containsExactly("RELEASED");
		assertThat(this.jdbc.queryForList("SELECT points FROM points_ledger WHERE order_id = ? ORDER BY id",
				Integer.class, orderId))
			.as("credited, then debited once")
			.containsExactly(30, -30);
	}

	@Test
	void anOrderCreatedThatArrivesAfterItsCancelIsSkipped() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();

		publish(OrderCancelled.TAG, orderCancelled(orderId, "u-early-cancel"));
		await("the cancel recorded by both groups").atMost(DELIVERY)
			.until(() -> !this.probe.outcomes(orderId, "inventory").isEmpty()
					&& !this.probe.outcomes(orderId, "points").isEmpty());
		publish(orderCreated(orderId, "u-early-cancel", sku, 2, "10.00"));

		await("the late OrderCreated handled by both groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2
					&& this.probe.outcomes(orderId, "points").size() == 2);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactly(Outcome.APPLIED, Outcome.SKIPPED);
		assertThat(this.probe.outcomes(orderId, "points")).containsExactly(Outcome.APPLIED, Outcome.SKIPPED);
		assertThat(stock(sku)).containsExactly(10, 0);
		assertThat(count("SELECT COUNT(*) FROM reservation WHERE order_id = ?", orderId)).isZero();
		assertThat(count("SELECT COUNT(*) FROM points_ledger WHERE order_id = ?", orderId)).isZero();
	}

	@Test
	void anOrderRedeliveredAndCompensatedShowsUpInPrometheus() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		this.probe.failAcknowledgementOnce(orderId, "inventory");
		publish(orderCreated(orderId, "u-metrics", sku, 1, "10.00"));
		await("redelivered to inventory, applied by points").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2
					&& this.probe.outcomes(orderId, "points").contains(Outcome.APPLIED));
		publish(OrderCancelled.TAG, orderCancelled(orderId, "u-metrics"));
		await("compensated by both groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 3
					&& this.probe.outcomes(orderId, "points").size() == 2);

		await("the broker watch refreshed").atMost(DELIVERY)
			.untilAsserted(() -> assertThat(get("/actuator/prometheus"))
				.containsPattern("txorders_broker_reachable\\{[^}]*\\} 1")
				.containsPattern("txorders_consumer_lag\\{[^}]*group=\"inventory\"[^}]*\\} \\d")
				.containsPattern("txorders_consumer_lag\\{[^}]*group=\"points\"[^}]*\\} \\d")
				.containsPattern("txorders_dlq_messages\\{[^}]*group=\"inventory\"[^}]*\\} \\d")
				.containsPattern("txorders_dlq_messages\\{[^}]*group=\"points\"[^}]*\\} \\d"));
		assertThat(get("/actuator/prometheus")).containsPattern(
				"txorders_consumer_messages_total\\{[^}]*event=\"OrderCreated\",group=\"inventory\",outcome=\"APPLIED\"")
			.containsPattern("txorders_consumer_redeliveries_total\\{[^}]*event=\"OrderCreated\",group=\"inventory\"")
			.containsPattern("txorders_compensations_total\\{[^}]*group=\"inventory\",kind=\"undone\"")
			.containsPattern("txorders_compensations_total\\{[^}]*group=\"points\",kind=\"undone\"");
		assertThat(get("/actuator/health/rocketmq")).contains("\"UP\"");
		assertThat(get("/actuator/health/db")).contains("\"UP\"");
	}

	private String get(String path) throws Exception {
		var response = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI
					.create("http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port") + path))
				.timeout(Duration.ofSeconds(30))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return response.body();
	}

	private static void publish(String[] keyAndBody) throws ClientException {
		publish(OrderCreated.TAG, keyAndBody);
	}

	private static void publish(String tag, String[] keyAndBody) throws ClientException {
		ProxyPublisher.shared().publish(tag, keyAndBody[0], keyAndBody[1]);
	}

	private static String[] orderCancelled(long orderId, String userId) {
		String body = """
				{"orderId":"%d","userId":"%s","cause":"USER_CANCELLED","cancelledAt":"2026-11-23T10:01:00Z"}
				""".formatted(orderId, userId);
		return new String[] { Long.toString(orderId), body };
	}

	private static String[] orderCreated(long orderId, String userId, String sku, int quantity, String unitPrice) {
		String total = new java.math.BigDecimal(unitPrice).multiply(java.math.BigDecimal.valueOf(quantity))
			.toPlainString();
		String body = """
				{"orderId":"%d","userId":"%s","items":[{"sku":"%s","quantity":%d,"unitPrice":%s}],"total":%s,"createdAt":"2026-11-23T10:00:00Z"}
				"""
			.formatted(orderId, userId, sku, quantity, unitPrice, total);
		return new String[] { Long.toString(orderId), body };
	}

	private String stockedSku(int available) {
		String sku = "IT-" + UUID.randomUUID().toString().substring(0, 12);
		this.jdbc.update("INSERT INTO stock (sku, available) VALUES (?, ?)", sku, available);
		return sku;
	}

	private List<Integer> stock(String sku) {
		return this.jdbc.queryForObject("SELECT available, reserved FROM stock WHERE sku = ?",
				(row, n) -> List.of(row.getInt(1), row.getInt(2)), sku);
	}

	private int count(String sql, Object... args) {
		return this.jdbc.queryForObject(sql, Integer.class, args);
	}

	private static long newOrderId() {
		return Math.abs(UUID.randomUUID().getMostSignificantBits() >> 1);
	}

}
