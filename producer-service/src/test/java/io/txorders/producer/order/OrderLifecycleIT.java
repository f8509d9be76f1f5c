package io.txorders.producer.order;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.RawPublisher;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After placement: inventory's replies confirm or cancel an order exactly once however
 * often they arrive, a user may cancel CREATED and CONFIRMED orders, and every cancel
 * publishes OrderCancelled in the same transaction. Inventory's replies are published
 * here by the test.
 */
@ProducerServiceTest
class OrderLifecycleIT {

	private static final Duration SETTLE = Duration.ofSeconds(90);

	private static RawPublisher inventory;

	@Autowired
	private Api api;

	@Autowired
	private JdbcTemplate jdbc;

	@BeforeAll
	static void inventory() {
		inventory = new RawPublisher(LocalInfra.shared().nameServer(), "it-inventory-replies");
	}

	@AfterAll
	static void stopInventory() {
		inventory.close();
	}

	@Test
	void inventoryReservedConfirmsTheOrderOnceEvenIfRepliedTwice() throws Exception {
		String orderId = place("u-confirm");

		reply(orderId, "InventoryReserved");
		reply(orderId, "InventoryReserved");

		await().atMost(SETTLE).until(() -> status(orderId).equals("CONFIRMED"));
		await("both replies handled").atMost(SETTLE)
			.until(() -> this.jdbc.queryForObject(
					"SELECT COUNT(*) FROM consumed_message WHERE consumer_group = 'order-replies' AND message_key = ?",
					Integer.class, orderId) == 1);
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "INVENTORY_RESERVED");
	}

	@Test
	void inventoryRejectedCancelsTheOrderAndPublishesOrderCancelled() throws Exception {
		String orderId = place("u-rejected");

		reply(orderId, "InventoryRejected");

		await().atMost(SETTLE).until(() -> status(orderId).equals("CANCELLED"));
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "INVENTORY_REJECTED");
		assertThat(cancelsPublished(orderId)).hasSize(1);
	}

	@Test
	void aUserCancelsAConfirmedOrderOnceAndASecondCancelIsAConflict() throws Exception {
		String orderId = place("u-user-cancel");
		reply(orderId, "InventoryReserved");
		await().atMost(SETTLE).until(() -> status(orderId).equals("CONFIRMED"));

		Response cancelled = cancel(orderId);
		Response again = cancel(orderId);

		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		assertThat(cancelled.body().get("status").asString()).isEqualTo("CANCELLED");
		JsonNode last = cancelled.body().get("history").get(2);
		assertThat(last.get("from").asString()).isEqualTo("CONFIRMED");
		assertThat(last.get("cause").asString()).isEqualTo("USER_CANCELLED");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.body().get("status").asInt()).isEqualTo(409);
		assertThat(again.body().get("orderStatus").asString()).isEqualTo("CANCELLED");
		assertThat(again.body().get("detail").asString()).contains("is CANCELLED");
		assertThat(cancelsPublished(orderId)).as("one OrderCancelled for one cancel").hasSize(1);
	}

	@Test
	void aReservationThatArrivesAfterTheUserCancelledLeavesTheOrderCancelled() throws Exception {
		String orderId = place("u-late-reply");
		assertThat(cancel(orderId).status()).isEqualTo(200);

		reply(orderId, "InventoryReserved");

		await("the late reply handled").atMost(SETTLE)
			.until(() -> this.jdbc.queryForObject(
					"SELECT COUNT(*) FROM consumed_message WHERE consumer_group = 'order-replies' AND message_key = ?",
					Integer.class, orderId) == 1);
		assertThat(status(orderId)).isEqualTo("CANCELLED");
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "USER_CANCELLED");
	}

	@Test
	void cancellingAnUnknownOrderIsNotFound() {
		assertThat(cancel("4242").status()).isEqualTo(404);
	}

	@Test
	void ordersAreListedByUserAndStatusNewestFirst() {
		String user = "u-list-" + UUID.randomUUID().toString().substring(0, 8);
		String first = place(user);
		String second = place(user);
		cancel(first);

		JsonNode all = this.api.get("/orders?userId=" + user).body();
		JsonNode cancelledOnly = this.api.get("/orders?userId=" + user + "&status=CANCELLED").body();
		JsonNode secondPage = this.api.get("/orders?userId=" + user + "&size=1&page=1").body();

		assertThat(all.get("total").asLong()).isEqualTo(2);
		assertThat(all.get("items").valueStream().map(o -> o.get("orderId").asString())).containsExactly(second, first);
		assertThat(cancelledOnly.get("items").valueStream().map(o -> o.get("orderId").asString()))
			.containsExactly(first);
		assertThat(secondPage.get("items").valueStream().map(o -> o.get("orderId").asString())).containsExactly(first);
		assertThat(this.api.get("/orders?status=LOST").status()).isEqualTo(400);
		assertThat(this.api.get("/orders?size=1000").body().get("errors").get(0).get("field").asString())
			.isEqualTo("size");
	}

	private String place(String userId) {
		Response placed = this.api.placeOrder(Api.newKey(), Api.order(userId, "BOOK-001", 1));
		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		return placed.body().get("orderId").asString();
	}

	private Response cancel(String orderId) {
		return this.api
			.send(java.net.http.HttpRequest.newBuilder(this.api.base().resolve("/orders/" + orderId + "/cancel"))
				.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
	}

	private String status(String orderId) {
		return this.api.get("/orders/" + orderId).body().get("status").asString();
	}

	private List<String> causes(String orderId) {
		return this.jdbc.queryForList("SELECT cause FROM order_history WHERE order_id = ? ORDER BY id", String.class,
				Long.parseLong(orderId));
	}

	private List<MessageExt> cancelsPublished(String orderId) {
		try (TopicProbe topic = new TopicProbe(LocalInfra.shared().nameServer(), "order-events")) {
			return topic.awaitTagged(SETTLE, orderId, "OrderCancelled");
		}
	}

	private static void reply(String orderId, String tag) {
		inventory.publish("inventory-events", tag, orderId, "{\"orderId\":\"" + orderId + "\",\"reserved\":"
				+ tag.equals("InventoryReserved") + ",\"reason\":null,\"decidedAt\":\"2026-11-23T10:00:00Z\"}");
	}

}
