package io.txorders.producer.order;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.txorders.messaging.consume.Outcome;
import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.producer.order.cancel.OrderCancellations;
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
 * After placement, the coordinator: the participants' Try replies (inventory's and
 * payment's, published here by the test) confirm an order when both reserved, or cancel
 * it at the first rejection, exactly once however often and in whatever order they
 * arrive; a user may cancel CREATED and CONFIRMED orders; an order that does not hear
 * from every Try in time is cancelled (TIMED_OUT); every decision publishes its event in
 * the same transaction.
 */
@ProducerServiceTest
class OrderLifecycleIT {

	private static final Duration SETTLE = Duration.ofSeconds(90);

	private static RawPublisher inventory;

	@Autowired
	private Api api;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private OrderCancellations cancellations;

	@BeforeAll
	static void inventory() {
		inventory = new RawPublisher(LocalInfra.shared().nameServer(), "it-inventory-replies");
	}

	@AfterAll
	static void stopInventory() {
		inventory.close();
	}

	@Test
	void oneReservationIsNotEnoughAndBothConfirmTheOrderOnceInAnyOrder() throws Exception {
		String orderId = place("u-confirm");

		reply(orderId, "PaymentFrozen");
		await("the first reply recorded").atMost(SETTLE).until(() -> repliesHandled(orderId) == 1);
		assertThat(status(orderId)).as("payment alone confirms nothing").isEqualTo("CREATED");
		reply(orderId, "InventoryReserved");
		reply(orderId, "InventoryReserved");
		reply(orderId, "PaymentFrozen");

		await().atMost(SETTLE).until(() -> status(orderId).equals("CONFIRMED"));
		await("every reply handled").atMost(SETTLE).until(() -> repliesHandled(orderId) == 2);
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "ALL_RESERVED");
		assertThat(this.jdbc.queryForList(
				"SELECT CONCAT(participant, ' ', outcome) FROM order_try_reply WHERE order_id = ? ORDER BY participant",
				String.class, orderId))
			.containsExactly("INVENTORY RESERVED", "PAYMENT RESERVED");
		assertThat(published(orderId, "OrderConfirmed")).as("one OrderConfirmed, with the order's total")
			.singleElement()
			.satisfies((message) -> assertThat(new String(message.getBody())).contains("\"total\":")
				.contains("\"currency\":\"EUR\""));
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
	void paymentRejectedCancelsTheOrderEvenAfterInventoryReservedAndALateReplyChangesNothing() throws Exception {
		String orderId = place("u-no-funds");

		reply(orderId, "InventoryReserved");
		await("the reservation recorded").atMost(SETTLE).until(() -> repliesHandled(orderId) == 1);
		reply(orderId, "PaymentRejected");

		await().atMost(SETTLE).until(() -> status(orderId).equals("CANCELLED"));
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "PAYMENT_REJECTED");
		assertThat(cancelsPublished(orderId)).as("inventory releases what it reserved").hasSize(1);
		reply(orderId, "InventoryRejected");
		await("the late reply handled").atMost(SETTLE).until(() -> repliesHandled(orderId) == 3);
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "PAYMENT_REJECTED");
	}

	@Test
	void anOrderThatDoesNotHearFromEveryTryInTimeIsCancelledAndALateReplyChangesNothing() throws Exception {
		String orderId = place("u-timeout");
		reply(orderId, "InventoryReserved");
		await("the reservation recorded").atMost(SETTLE).until(() -> repliesHandled(orderId) == 1);
		// Placed long ago, as far as the sweep can tell: payment never replied.
		this.jdbc.update("UPDATE orders SET created_at = created_at - INTERVAL 1 DAY WHERE id = ?", orderId);

		await("cancelled by the timeout sweep").atMost(SETTLE).until(() -> status(orderId).equals("CANCELLED"));
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "TIMED_OUT");
		assertThat(cancelsPublished(orderId)).as("the groups undo what their Try did").hasSize(1);

		reply(orderId, "PaymentFrozen");
		await("the late reply handled").atMost(SETTLE).until(() -> repliesHandled(orderId) == 2);
		assertThat(status(orderId)).isEqualTo("CANCELLED");
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "TIMED_OUT");
		assertThat(published(orderId, "OrderConfirmed")).isEmpty();
	}

	@Test
	void aCustomersCancelRacingTheLastReplyEndsCancelledWithOneDecisionFirst() throws Exception {
		for (int round = 0; round < 3; round++) {
			String orderId = place("u-race");
			reply(orderId, "InventoryReserved");
			await("the reservation recorded").atMost(SETTLE).until(() -> repliesHandled(orderId) == 1);

			CompletableFuture<Response> cancel = CompletableFuture.supplyAsync(() -> cancel(orderId));
			reply(orderId, "PaymentFrozen");

			assertThat(cancel.join().status()).as("a customer may cancel CREATED and CONFIRMED orders").isEqualTo(200);
			await("the last reply handled").atMost(SETTLE).until(() -> repliesHandled(orderId) == 2);
			List<String> causes = causes(orderId);
			// The confirmation first (then the cancel reverses it), or the cancel first
			// (then the reply is only recorded): never both confirmed and left so.
			assertThat(causes).as("order %s", orderId)
				.isIn(List.of("ORDER_PLACED", "ALL_RESERVED", "USER_CANCELLED"),
						List.of("ORDER_PLACED", "USER_CANCELLED"));
			assertThat(status(orderId)).isEqualTo("CANCELLED");
			assertThat(published(orderId, "OrderConfirmed")).hasSize(causes.contains("ALL_RESERVED") ? 1 : 0);
			assertThat(published(orderId, "OrderCancelled")).hasSize(1);
		}
	}

	/**
	 * Two producer-service instances sweeping at once (ShedLock keeps them apart; this is
	 * the guard beneath it): one cancel wins, the other finds the order moved on, and one
	 * OrderCancelled is published.
	 */
	@Test
	void twoSweepsCancellingOneOverdueOrderAtOnceCancelItOnce() throws Exception {
		String orderId = place("u-two-sweeps");
		long id = Long.parseLong(orderId);

		List<CompletableFuture<Outcome>> sweeps = List.of(1, 2)
			.stream()
			.map((sweep) -> CompletableFuture.supplyAsync(() -> this.cancellations.cancelTimedOut(id).outcome()))
			.toList();

		assertThat(sweeps.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder(Outcome.APPLIED,
				Outcome.REJECTED);
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "TIMED_OUT");
		assertThat(cancelsPublished(orderId)).hasSize(1);
	}

	@Test
	void aUserCancelsAConfirmedOrderOnceAndASecondCancelIsAConflict() throws Exception {
		String orderId = place("u-user-cancel");
		reply(orderId, "InventoryReserved");
		reply(orderId, "PaymentFrozen");
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
		reply(orderId, "PaymentFrozen");

		await("the late replies handled").atMost(SETTLE).until(() -> repliesHandled(orderId) == 2);
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

	/**
	 * The order's messages with this tag on the order topic, after a read of a few
	 * seconds.
	 */
	private List<MessageExt> published(String orderId, String tag) {
		try (TopicProbe topic = new TopicProbe(LocalInfra.shared().nameServer(), "order-events")) {
			topic.readAll(Duration.ofSeconds(3));
			return topic.withKey(orderId).stream().filter((message) -> tag.equals(message.getTags())).toList();
		}
	}

	/** Distinct replies (by tag) the coordinator has handled for the order. */
	private int repliesHandled(String orderId) {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM consumed_message WHERE consumer_group = 'order-replies' AND message_key = ?",
				Integer.class, orderId);
	}

	/** A participant's reply as consumer-service publishes it (TryDecided). */
	private static void reply(String orderId, String tag) {
		boolean reserved = tag.equals("InventoryReserved") || tag.equals("PaymentFrozen");
		inventory.publish("reply-events", tag, orderId,
				"{\"orderId\":\"" + orderId + "\",\"reserved\":" + reserved + ",\"reason\":"
						+ (reserved ? "null" : "\"test: refused\"") + ",\"decidedAt\":\"2026-11-23T10:00:00Z\"}");
	}

}
