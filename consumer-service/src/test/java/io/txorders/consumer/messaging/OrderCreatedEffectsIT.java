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

		String customer = funded("u-twice", "100.00");
		publish(orderCreated(orderId, customer, sku, 3, "10.00"));
		publish(orderCreated(orderId, customer, sku, 3, "10.00"));

		await("both copies handled by both Try groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2
					&& this.probe.outcomes(orderId, "payment").size() == 2);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.DUPLICATE);
		assertThat(this.probe.outcomes(orderId, "payment")).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.DUPLICATE);
		assertThat(this.probe.outcomes(orderId, "points")).as("points wait for the confirmation").isEmpty();
		assertThat(stock(sku)).containsExactly(7, 3);
		assertThat(count("SELECT COUNT(*) FROM reservation WHERE order_id = ?", orderId)).isEqualTo(1);
		assertThat(account(customer)).as("balance, frozen: 30.00 frozen once").containsExactly("100.00", "30.00");
		assertThat(this.jdbc.queryForList("SELECT status FROM payment_hold WHERE order_id = ?", String.class, orderId))
			.containsExactly("FROZEN");
		assertThat(count("SELECT COUNT(*) FROM consumed_message WHERE message_key = ?", orderId)).isEqualTo(2);
		try (TopicProbe replies = new TopicProbe(LocalInfra.shared().nameServer(), "reply-events")) {
			replies.awaitKeys(DELIVERY, Long.toString(orderId));
			replies.readAll(Duration.ofSeconds(3));
			assertThat(replies.withKey(Long.toString(orderId))).as("the duplicate published no second reply")
				.extracting(MessageExt::getTags)
				.containsExactlyInAnyOrder("InventoryReserved", "PaymentFrozen");
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

		try (TopicProbe replies = new TopicProbe(LocalInfra.shared().nameServer(), "reply-events")) {
			assertThat(replies.awaitTagged(DELIVERY, Long.toString(reserved), "InventoryReserved")).hasSize(1);
			assertThat(replies.awaitTagged(DELIVERY, Long.toString(rejected), "InventoryRejected")).singleElement()
				.satisfies(reply -> {
					assertThat(reply.getTags()).isEqualTo("InventoryRejected");
					assertThat(new String(reply.getBody())).contains(sku).contains("needs 1");
				});
		}
	}

	@Test
	void aReplyWhoseCommitNeverReachesTheBrokerIsCommittedByTheCheckBack() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		this.probe.loseReplyCommitOnce("InventoryReserved", orderId);

		publish(orderCreated(orderId, "u-lost-commit", sku, 2, "1.00"));

		try (TopicProbe replies = new TopicProbe(LocalInfra.shared().nameServer(), "reply-events")) {
			List<MessageExt> reply = replies.awaitTagged(DELIVERY, Long.toString(orderId), "InventoryReserved");
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
		String customer = funded("u-cancel", "50.00");
		publish(orderCreated(orderId, customer, sku, 3, "10.00"));
		await().atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").contains(Outcome.APPLIED)
					&& this.probe.outcomes(orderId, "payment").contains(Outcome.APPLIED));

		publish(OrderCancelled.TAG, orderCancelled(orderId, customer));
		publish(OrderCancelled.TAG, orderCancelled(orderId, customer));

		await("both cancels handled by both Try groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 3
					&& this.probe.outcomes(orderId, "payment").size() == 3);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.APPLIED, Outcome.DUPLICATE);
		assertThat(this.probe.outcomes(orderId, "payment")).containsExactlyInAnyOrder(Outcome.APPLIED, Outcome.APPLIED,
				Outcome.DUPLICATE);
		assertThat(stock(sku)).as("reservation released once").containsExactly(10, 0);
		assertThat(this.jdbc.queryForList("SELECT status FROM reservation WHERE order_id = ?", String.class, orderId))
			.containsExactly("RELEASED");
		assertThat(account(customer)).as("unfrozen once").containsExactly("50.00", "0.00");
		assertThat(this.jdbc.queryForList("SELECT entry_type FROM account_ledger WHERE order_id = ? ORDER BY id",
				String.class, orderId))
			.containsExactly("FREEZE", "UNFREEZE");
	}

	@Test
	void anOrderCreatedThatArrivesAfterItsCancelIsSkipped() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();

		String customer = funded("u-early-cancel", "50.00");
		publish(OrderCancelled.TAG, orderCancelled(orderId, customer));
		await("the cancel recorded by both Try groups (an empty rollback)").atMost(DELIVERY)
			.until(() -> !this.probe.outcomes(orderId, "inventory").isEmpty()
					&& !this.probe.outcomes(orderId, "payment").isEmpty());
		publish(orderCreated(orderId, customer, sku, 2, "10.00"));

		await("the late OrderCreated (a hanging Try) handled by both groups").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2
					&& this.probe.outcomes(orderId, "payment").size() == 2);
		assertThat(this.probe.outcomes(orderId, "inventory")).containsExactly(Outcome.APPLIED, Outcome.SKIPPED);
		assertThat(this.probe.outcomes(orderId, "payment")).containsExactly(Outcome.APPLIED, Outcome.SKIPPED);
		assertThat(stock(sku)).containsExactly(10, 0);
		assertThat(count("SELECT COUNT(*) FROM reservation WHERE order_id = ?", orderId)).isZero();
		assertThat(account(customer)).as("nothing frozen").containsExactly("50.00", "0.00");
		assertThat(count("SELECT COUNT(*) FROM payment_hold WHERE order_id = ?", orderId)).isZero();
		assertThat(count("SELECT COUNT(*) FROM account_ledger WHERE order_id = ?", orderId)).isZero();
	}

	@Test
	void anOrderRedeliveredAndCompensatedShowsUpInPrometheus() throws Exception {
		String sku = stockedSku(10);
		long orderId = newOrderId();
		this.probe.failAcknowledgementOnce(orderId, "inventory");
		publish(orderCreated(orderId, "u-metrics", sku, 1, "10.00"));
		await("redelivered to inventory, rejected by payment (no account)").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 2
					&& this.probe.outcomes(orderId, "payment").contains(Outcome.REJECTED));
		publish(OrderCancelled.TAG, orderCancelled(orderId, "u-metrics"));
		await("compensated by inventory, recorded by points").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").size() == 3
					&& this.probe.outcomes(orderId, "points").size() == 1);

		await("the broker watch refreshed").atMost(DELIVERY)
			.untilAsserted(() -> assertThat(get("/actuator/prometheus"))
				.containsPattern("txorders_broker_reachable\\{[^}]*\\} 1")
				.containsPattern("txorders_consumer_lag\\{[^}]*group=\"inventory\"[^}]*\\} \\d")
				.containsPattern("txorders_consumer_lag\\{[^}]*group=\"points\"[^}]*\\} \\d")
				.containsPattern("txorders_dlq_messages\\{[^}]*group=\"inventory\"[^}]*\\} \\d")
				.containsPattern("txorders_dlq_messages\\{[^}]*group=\"points\"[^}]*\\} \\d")
				.containsPattern("txorders_consumer_lag\\{[^}]*group=\"payment\"[^}]*\\} \\d"));
		assertThat(get("/actuator/prometheus")).containsPattern(
				"txorders_consumer_messages_total\\{[^}]*event=\"OrderCreated\",group=\"inventory\",outcome=\"APPLIED\"")
			.containsPattern("txorders_consumer_redeliveries_total\\{[^}]*event=\"OrderCreated\",group=\"inventory\"")
			.containsPattern("txorders_compensations_total\\{[^}]*group=\"inventory\",kind=\"undone\"")
			.containsPattern("txorders_compensations_total\\{[^}]*group=\"points\",kind=\"before-effect\"\\} [1-9]")
			.containsPattern("txorders_payment_operations_total\\{[^}]*operation=\"reject\"\\} [1-9]")
			.containsPattern("txorders_payment_frozen_amount\\{[^}]*\\} \\d")
			.containsPattern("txorders_payment_holds_oldest_seconds\\{[^}]*\\} \\d");
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
		ConsumerFixtures.publish(tag, keyAndBody);
	}

	private static String[] orderCancelled(long orderId, String userId) {
		return ConsumerFixtures.orderCancelled(orderId, userId);
	}

	private static String[] orderCreated(long orderId, String userId, String sku, int quantity, String unitPrice) {
		return ConsumerFixtures.orderCreated(orderId, userId, sku, quantity, unitPrice);
	}

	private String stockedSku(int available) {
		return fixtures().stockedSku(available);
	}

	/** Available and reserved units. */
	private List<Integer> stock(String sku) {
		return fixtures().stock(sku).subList(0, 2);
	}

	private String funded(String name, String balance) {
		return fixtures().funded(name, balance);
	}

	private List<String> account(String customer) {
		return fixtures().account(customer);
	}

	private int count(String sql, Object... args) {
		return fixtures().count(sql, args);
	}

	private ConsumerFixtures fixtures() {
		return new ConsumerFixtures(this.jdbc);
	}

	private static long newOrderId() {
		return ConsumerFixtures.newOrderId();
	}

}
