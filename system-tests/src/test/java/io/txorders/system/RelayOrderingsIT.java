package io.txorders.system;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.txorders.testsupport.Accounts;
import io.txorders.testsupport.CustomerTokens;
import io.txorders.testsupport.RawPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
 * The orderings a relay creates, on the whole stack (default outbox mode, FALLBACK): an
 * event that waited in a local message table reaches the consumers after events that were
 * published later, or after the same event came another way. Each consumer group must
 * still apply each effect once, or not at all when the order was cancelled first.
 * <p>
 * An event is put in the table as an operator would, by forcing an app's circuit breaker
 * open ({@code /admin/api/outbox/breaker}). The standalone checkback relays the orders
 * database too and has no breaker to force, so an OrderCreated is held back in the table
 * by a trigger on it instead: written due in an hour, released by the admin API's retry.
 */
@TestInstance(Lifecycle.PER_CLASS)
@Order(2)
class RelayOrderingsIT {

	private static final Duration SETTLE = Duration.ofSeconds(90);

	private static final String CONSUMED = "txorders_consumer_messages_total";

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private LocalStackProcess stack;

	private JdbcTemplate orders;

	private JdbcTemplate consumer;

	private CustomerTokens tokens;

	private OutboxAdmin producerOutbox;

	private OutboxAdmin consumerOutbox;

	/** This test's customer, funded with 100.00. */
	private String customer;

	@BeforeAll
	void startStack() throws Exception {
		this.stack = LocalStackProcess.shared();
		this.orders = new JdbcTemplate(this.stack.ordersDatabase());
		this.consumer = new JdbcTemplate(this.stack.consumerDatabase());
		this.tokens = CustomerTokens.of(this.stack.ready());
		this.producerOutbox = new OutboxAdmin(this.stack.producer());
		this.consumerOutbox = new OutboxAdmin(this.stack.consumer());
	}

	@BeforeEach
	void fundACustomer() {
		this.customer = "u-relay-" + UUID.randomUUID().toString().substring(0, 8);
		Accounts.deposit(this.stack.consumerDatabase(), List.of(this.customer), new BigDecimal("100.00"),
				"relay-orderings");
	}

	/**
	 * Whatever a test left held is let go; once quiet, no event waits in either table and
	 * the databases reconcile.
	 */
	@AfterEach
	void nothingWaitsAndEverythingReconciles() {
		this.producerOutbox.closeBreaker();
		this.consumerOutbox.closeBreaker();
		for (String trigger : this.orders.queryForList("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
				+ "WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'hold\\_%'", String.class)) {
			this.orders.execute("DROP TRIGGER IF EXISTS " + trigger);
		}
		this.producerOutbox.retryNow();
		for (OutboxAdmin outbox : List.of(this.producerOutbox, this.consumerOutbox)) {
			await("nothing left in " + outbox.app() + "'s local message table").atMost(SETTLE)
				.until(() -> outbox.pending() == 0);
		}
		JsonNode report = json
			.readTree(send(HttpRequest.newBuilder(this.stack.producer().resolve("/admin/api/reconciliation"))
				.header("Authorization", LocalStackProcess.adminAuthorization())
				.GET()).body());
		assertThat(report.get("violations").valueStream().map(JsonNode::asString).toList()).isEmpty();
		assertThat(report.get("reconciled").asBoolean()).isTrue();
	}

	/**
	 * The OrderCreated waits in the orders database's table; the customer cancels, and
	 * the OrderCancelled, sent as a half message, reaches every group first. Each records
	 * the cancel; the OrderCreated relayed after it is skipped: nothing reserved, frozen
	 * or credited, ever.
	 */
	@Test
	void anOrderCancelledRelayedBeforeItsOrderCreatedLeavesNothingReservedFrozenOrCredited() {
		int stockBefore = available("STICKER-1");
		Map<String, Double> skippedBefore = consumed("OrderCreated", "SKIPPED");
		long orderId;
		try (HeldOrderCreated held = holdOrderCreated()) {
			orderId = placeWithTheBreakerOpen("STICKER-1", 2);
			assertThat(this.producerOutbox.waiting(key(orderId))).containsExactly("OrderCreated");

			HttpResponse<String> cancelled = post("/orders/" + orderId + "/cancel", "");
			assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
			await("every group recorded the cancel").atMost(SETTLE)
				.until(() -> effects(orderId)
					.equals(List.of("inventory CANCELLED", "payment CANCELLED", "points CANCELLED")));
			assertThat(this.producerOutbox.waiting(key(orderId))).as("the OrderCreated still waits")
				.containsExactly("OrderCreated");
		}
		this.producerOutbox.retryNow();

		await("the OrderCreated relayed").atMost(SETTLE)
			.until(() -> this.producerOutbox.waiting(key(orderId)).isEmpty());
		await("inventory and payment skipped it").atMost(SETTLE)
			.untilAsserted(() -> assertThat(consumed("OrderCreated", "SKIPPED"))
				.isEqualTo(plusOne(skippedBefore, "inventory", "payment")));
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "USER_CANCELLED");
		assertThat(effects(orderId)).containsExactly("inventory CANCELLED", "payment CANCELLED", "points CANCELLED");
		assertThat(
				this.consumer.queryForList("SELECT status FROM reservation WHERE order_id = ?", String.class, orderId))
			.isEmpty();
		assertThat(available("STICKER-1")).isEqualTo(stockBefore);
		assertThat(hold(orderId)).isEmpty();
		assertThat(ledger(orderId)).isEmpty();
		assertThat(money()).as("balance, frozen").containsExactly("100.00", "0.00");
		assertThat(points(orderId)).isEmpty();
		assertThat(consumedBy("OrderCancelled", orderId)).containsExactly("inventory", "payment", "points");
		assertThat(consumedBy("OrderCreated", orderId)).as("a skipped Try leaves no row").isEmpty();
		assertThat(tryReplies(orderId)).as("no Try ran, so no reply").isEmpty();
	}

	/**
	 * consumer-service's breaker is open: inventory reserves, payment freezes, and both
	 * replies wait in the consumer database's table. The order times out (the local
	 * stack's 10 s) and is cancelled; its reservation and hold are released. The replies,
	 * relayed then, are recorded and change nothing.
	 */
	@Test
	void tryRepliesRelayedAfterTheOrderTimedOutAreOnlyRecorded() {
		int stockBefore = available("NOTEBOOK-A5");
		long orderId;
		this.consumerOutbox.forceBreakerOpen();
		try {
			orderId = place("NOTEBOOK-A5", 2);
			await("both Try replies in the consumer database's table").atMost(SETTLE)
				.until(() -> this.consumerOutbox.waiting(key(orderId)).size() == 2);
			assertThat(this.consumerOutbox.waiting(key(orderId))).containsExactlyInAnyOrder("InventoryReserved",
					"PaymentFrozen");
			assertThat(available("NOTEBOOK-A5")).isEqualTo(stockBefore - 2);
			assertThat(hold(orderId)).containsExactly("FROZEN 25.00");

			awaitStatus(orderId, "CANCELLED");
			assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "TIMED_OUT");
			await("reservation and hold released").atMost(SETTLE)
				.until(() -> hold(orderId).equals(List.of("RELEASED 25.00"))
						&& available("NOTEBOOK-A5") == stockBefore);
			assertThat(this.consumerOutbox.waiting(key(orderId))).as("the replies still wait").hasSize(2);
			assertThat(tryReplies(orderId)).isEmpty();
		}
		finally {
			this.consumerOutbox.closeBreaker();
		}

		await("both late replies recorded").atMost(SETTLE)
			.until(() -> tryReplies(orderId).equals(List.of("INVENTORY RESERVED", "PAYMENT RESERVED")));
		await("relayed").atMost(SETTLE).until(() -> this.consumerOutbox.waiting(key(orderId)).isEmpty());
		assertThat(causes(orderId)).as("still cancelled, never confirmed").containsExactly("ORDER_PLACED", "TIMED_OUT");
		assertThat(effects(orderId)).containsExactly("inventory COMPENSATED", "payment COMPENSATED",
				"points CANCELLED");
		assertThat(
				this.consumer.queryForList("SELECT status FROM reservation WHERE order_id = ?", String.class, orderId))
			.containsExactly("RELEASED");
		assertThat(available("NOTEBOOK-A5")).isEqualTo(stockBefore);
		assertThat(hold(orderId)).containsExactly("RELEASED 25.00");
		assertThat(ledger(orderId)).as("frozen once, unfrozen once").containsExactly("FREEZE", "UNFREEZE");
		assertThat(money()).as("balance, frozen").containsExactly("100.00", "0.00");
		assertThat(points(orderId)).isEmpty();
		assertThat(consumedBy("OrderConfirmed", orderId)).isEmpty();
	}

	/**
	 * The same OrderCreated (tag, key and body) from a half message published after the
	 * original, then from the relay.
	 */
	@Test
	void anOrderCreatedFromALateHalfMessageAndThenFromTheRelayIsAppliedOnce() throws Exception {
		theSameOrderCreatedTwiceIsAppliedOnce(false);
	}

	/**
	 * The same OrderCreated from the relay, then from a half message published after it.
	 */
	@Test
	void anOrderCreatedFromTheRelayAndThenFromALateHalfMessageIsAppliedOnce() throws Exception {
		theSameOrderCreatedTwiceIsAppliedOnce(true);
	}

	private void theSameOrderCreatedTwiceIsAppliedOnce(boolean relayFirst) throws Exception {
		int stockBefore = available("BOOK-001");
		Map<String, Double> duplicatesBefore = consumed("OrderCreated", "DUPLICATE");
		long orderId;
		Map<String, Object> row;
		try (HeldOrderCreated held = holdOrderCreated()) {
			orderId = placeWithTheBreakerOpen("BOOK-001", 2);
			row = this.orders.queryForMap("SELECT topic, tag, message_key, body FROM outbox_message "
					+ "WHERE message_key = ? AND tag = 'OrderCreated'", key(orderId));
			if (!relayFirst) {
				publishCopy(row);
				awaitConfirmed(orderId);
			}
		}
		this.producerOutbox.retryNow();
		await("the OrderCreated relayed").atMost(SETTLE)
			.until(() -> this.producerOutbox.waiting(key(orderId)).isEmpty());
		if (relayFirst) {
			awaitConfirmed(orderId);
			publishCopy(row);
		}

		await("the second copy reached inventory and payment, each a duplicate").atMost(SETTLE)
			.untilAsserted(() -> assertThat(consumed("OrderCreated", "DUPLICATE"))
				.isEqualTo(plusOne(duplicatesBefore, "inventory", "payment")));
		assertThat(consumedBy("OrderCreated", orderId)).containsExactly("inventory", "payment");
		assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "ALL_RESERVED");
		assertThat(tryReplies(orderId)).containsExactly("INVENTORY RESERVED", "PAYMENT RESERVED");
		// 2 x 39.90, reserved and frozen once, then sold and captured.
		assertThat(available("BOOK-001")).isEqualTo(stockBefore - 2);
		assertThat(this.consumer.queryForList(
				"SELECT CONCAT(sku, ' ', quantity, ' ', status) FROM reservation WHERE order_id = ?", String.class,
				orderId))
			.containsExactly("BOOK-001 2 SOLD");
		assertThat(ledger(orderId)).containsExactly("FREEZE", "CAPTURE");
		assertThat(money()).as("balance, frozen").containsExactly("20.20", "0.00");
		assertThat(points(orderId)).containsExactly(79);
	}

	/**
	 * The copy a late half message would deliver: the same topic, tag, key and body, as
	 * its own transactional message, committed.
	 */
	private void publishCopy(Map<String, Object> row) throws Exception {
		try (RawPublisher publisher = new RawPublisher(this.stack.nameServer(), "relay-orderings-copies")) {
			assertThat(publisher.send((String) row.get("topic"), (String) row.get("tag"),
					(String) row.get("message_key"), (byte[]) row.get("body")))
				.as("the copy committed")
				.isTrue();
		}
	}

	private void awaitConfirmed(long orderId) {
		awaitStatus(orderId, "CONFIRMED");
		await("captured and credited").atMost(SETTLE)
			.until(() -> hold(orderId).equals(List.of("CAPTURED 79.80")) && points(orderId).size() == 1);
	}

	/**
	 * Places the order while producer-service's breaker is forced open: its OrderCreated
	 * is written to the orders database's table, and the breaker closes again.
	 */
	private long placeWithTheBreakerOpen(String sku, int quantity) {
		this.producerOutbox.forceBreakerOpen();
		try {
			return place(sku, quantity);
		}
		finally {
			this.producerOutbox.closeBreaker();
		}
	}

	/**
	 * Until closed, an OrderCreated of this test's customer is written to the orders
	 * database's table due in an hour: no relay takes it until the admin API's retry.
	 */
	private HeldOrderCreated holdOrderCreated() {
		String trigger = "hold_" + UUID.randomUUID().toString().replace("-", "");
		this.orders.execute("CREATE TRIGGER " + trigger + " BEFORE INSERT ON outbox_message FOR EACH ROW "
				+ "SET NEW.next_attempt_at = IF(NEW.tag = 'OrderCreated' AND LOCATE('\"" + this.customer
				+ "\"', NEW.body) > 0, NOW(3) + INTERVAL 1 HOUR, NEW.next_attempt_at)");
		return () -> this.orders.execute("DROP TRIGGER IF EXISTS " + trigger);
	}

	/** A hold on the table, let go when closed (rows it held stay held). */
	@FunctionalInterface
	private interface HeldOrderCreated extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * The number of messages of {@code event} each order consumer group counted with
	 * {@code outcome}.
	 */
	private Map<String, Double> consumed(String event, String outcome) {
		String page = Prometheus.scrape(this.stack.consumer());
		return Map.of("inventory", consumed(page, "inventory", event, outcome), "payment",
				consumed(page, "payment", event, outcome), "points", consumed(page, "points", event, outcome));
	}

	private static double consumed(String page, String group, String event, String outcome) {
		return Prometheus.sum(page, CONSUMED, Map.of("group", group, "event", event, "outcome", outcome));
	}

	private static Map<String, Double> plusOne(Map<String, Double> counts, String... groups) {
		Map<String, Double> expected = new HashMap<>(counts);
		for (String group : groups) {
			expected.merge(group, 1.0, Double::sum);
		}
		return expected;
	}

	private static String key(long orderId) {
		return Long.toString(orderId);
	}

	/** Each group's effect row for the order, as "group STATE". */
	private List<String> effects(long orderId) {
		return this.consumer.queryForList("SELECT CONCAT(consumer_group, ' ', state) FROM order_effect "
				+ "WHERE order_id = ? ORDER BY consumer_group", String.class, orderId);
	}

	/** The groups that recorded a message of {@code event} for the order. */
	private List<String> consumedBy(String event, long orderId) {
		return this.consumer.queryForList("SELECT consumer_group FROM consumed_message WHERE event_type = ? "
				+ "AND message_key = ? ORDER BY consumer_group", String.class, event, key(orderId));
	}

	/** The coordinator's record of the Try replies, as "PARTICIPANT OUTCOME". */
	private List<String> tryReplies(long orderId) {
		return this.orders.queryForList("SELECT CONCAT(participant, ' ', outcome) FROM order_try_reply "
				+ "WHERE order_id = ? ORDER BY participant", String.class, orderId);
	}

	private List<String> ledger(long orderId) {
		return this.consumer.queryForList("SELECT entry_type FROM account_ledger WHERE order_id = ? ORDER BY id",
				String.class, orderId);
	}

	private List<Integer> points(long orderId) {
		return this.consumer.queryForList("SELECT points FROM points_ledger WHERE order_id = ? ORDER BY id",
				Integer.class, orderId);
	}

	/** payment's hold for the order, as "STATUS amount", if it froze one. */
	private List<String> hold(long orderId) {
		return this.consumer.queryForList("SELECT CONCAT(status, ' ', amount) FROM payment_hold WHERE order_id = ?",
				String.class, orderId);
	}

	private int available(String sku) {
		return this.consumer.queryForObject("SELECT available FROM stock WHERE sku = ?", Integer.class, sku);
	}

	private long place(String sku, int quantity) {
		HttpResponse<String> placed = post("/orders", """
				{"items":[{"sku":"%s","quantity":%d}]}
				""".formatted(sku, quantity));
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		return Long.parseLong(json.readTree(placed.body()).get("orderId").asString());
	}

	private void awaitStatus(long orderId, String status) {
		await("order " + orderId + " " + status).atMost(SETTLE)
			.until(() -> order(orderId).get("status").asString().equals(status));
	}

	/** The order's history causes, as its customer reads them. */
	private List<String> causes(long orderId) {
		return order(orderId).get("history").valueStream().map((entry) -> entry.get("cause").asString()).toList();
	}

	private JsonNode order(long orderId) {
		return json.readTree(send(HttpRequest.newBuilder(this.stack.producer().resolve("/orders/" + orderId))
			.header("Authorization", "Bearer " + this.tokens.forCustomer(this.customer))
			.GET()).body());
	}

	/** Balance and frozen, as the customer reads them at {@code GET /accounts/me}. */
	private List<String> money() {
		HttpResponse<String> response = send(HttpRequest.newBuilder(this.stack.consumer().resolve("/accounts/me"))
			.header("Authorization", "Bearer " + this.tokens.forCustomer(this.customer))
			.GET());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode account = json.readTree(response.body());
		return List.of(account.get("balance").decimalValue().setScale(2).toPlainString(),
				account.get("frozen").decimalValue().setScale(2).toPlainString());
	}

	private HttpResponse<String> post(String path, String body) {
		return send(HttpRequest.newBuilder(this.stack.producer().resolve(path))
			.header("Authorization", "Bearer " + this.tokens.forCustomer(this.customer))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "relay-" + UUID.randomUUID())
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException("request failed: " + ex, ex);
		}
	}

}
