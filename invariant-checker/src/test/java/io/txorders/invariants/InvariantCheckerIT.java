package io.txorders.invariants;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.RawPublisher;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The checker against the real databases and broker: a consistent state passes, and each
 * broken promise, written into the databases or left on the broker, is found and named.
 */
class InvariantCheckerIT {

	private static final LocalInfra infra = LocalInfra.shared();

	private final JdbcTemplate orders = new JdbcTemplate(infra.ordersDataSource());

	private final JdbcTemplate consumer = new JdbcTemplate(infra.consumerDataSource());

	private final DatabaseInvariants database = new DatabaseInvariants(infra.ordersDataSource(),
			infra.consumerDataSource());

	private final SagaRows saga = new SagaRows(this.orders, this.consumer);

	@BeforeEach
	void emptyDatabases() {
		this.saga.empty();
		this.saga.deposit(SagaRows.CUSTOMER, "100.00");
	}

	@Test
	void aConfirmedOrderWithAllItsEffectsPasses() {
		Map<String, Integer> baseline = this.database.stockUnits();
		this.saga.confirmedOrder(1, "BOOK-001", 2, "15.00");

		Report report = checkDatabases(baseline);

		assertThat(report.ok()).as(report.toString()).isTrue();
		assertThat(report.figures()).containsEntry("orders CONFIRMED", 1);
		assertThat(this.database.effectsSettling()).isZero();
	}

	@Test
	void eachBrokenPromiseIsFoundAndNamed() {
		Map<String, Integer> baseline = this.database.stockUnits();
		order(2, "CREATED", "10.00", "COMMITTED");
		order(3, "CONFIRMED", "10.00", "COMMITTED");
		order(4, "CONFIRMED", "10.00", "ROLLED_BACK");
		effect(4, "inventory", "APPLIED");
		effect(4, "points", "APPLIED");
		this.consumer.update("INSERT INTO reservation VALUES (4, 'BOOK-001', 1, 'RESERVED', NOW(3), NOW(3))");
		this.consumer
			.update("UPDATE stock SET available = available - 1, reserved = reserved + 1 WHERE sku = 'BOOK-001'");
		this.consumer.update("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) "
				+ "VALUES (4, 'u', 20, 'CREDIT', NOW(3))");
		this.orders.update("INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) "
				+ "VALUES (4, 'CREATED', 'CONFIRMED', 'ALL_RESERVED', NOW(3)), "
				+ "(4, 'CREATED', 'CONFIRMED', 'ALL_RESERVED', NOW(3))");
		order(5, "CANCELLED", "7.00", "COMMITTED");
		effect(5, "inventory", "COMPENSATED");
		effect(5, "points", "APPLIED");
		this.consumer.update("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) "
				+ "VALUES (5, 'u', 7, 'CREDIT', NOW(3))");
		this.consumer.update("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) "
				+ "VALUES (99, 'u', 3, 'CREDIT', NOW(3))");
		this.consumer.update("UPDATE stock SET reserved = reserved + 2 WHERE sku = 'MUG-001'");

		Report report = checkDatabases(baseline);

		assertThat(report.ok()).isFalse();
		assertThat(report.violations().get(DatabaseInvariants.NOT_FINAL)).singleElement()
			.asString()
			.contains("order 2");
		assertThat(report.violations().get(DatabaseInvariants.LOST_EFFECT)).anyMatch((v) -> v.contains("order 3"));
		assertThat(report.violations().get(DatabaseInvariants.BARRIER)).singleElement()
			.asString()
			.contains("order 4")
			.contains("ROLLED_BACK");
		assertThat(report.violations().get(DatabaseInvariants.DUPLICATED))
			.anyMatch((v) -> v.contains("order 4 moved to CONFIRMED 2 times"))
			.anyMatch((v) -> v.contains("order 4 (CONFIRMED) was credited 20 points, expected 10"));
		assertThat(report.violations().get(DatabaseInvariants.NOT_COMPENSATED)).hasSize(2)
			.anyMatch((v) -> v.contains("order 5") && v.contains("group points is still APPLIED"))
			.anyMatch((v) -> v.contains("order 5") && v.contains("keeps 7 points"));
		// Orders 3 (no effects), 4 (Try only, never confirmed) and 5 (points not undone)
		// are final but their effects are not, so the wait for quiet waits on them.
		assertThat(this.database.effectsSettling()).isEqualTo(3);
		assertThat(report.violations().get(DatabaseInvariants.ORPHANS)).singleElement().asString().contains("order 99");
		assertThat(report.violations().get(DatabaseInvariants.STOCK))
			.anyMatch((v) -> v.contains("MUG-001") && v.contains("reserved 2"))
			.anyMatch((v) -> v.contains("MUG-001") && v.contains("was " + baseline.get("MUG-001") + " before"));
	}

	@Test
	void anEventLeftInAnOutboxIsAViolationOnceQuietAndOnlyAFigureWhileLive() {
		this.saga.confirmedOrder(1, "BOOK-001", 2, "15.00");
		outboxRow(this.orders, "OrderCancelled", "1", "order-events", 3, "connection refused", 40);
		outboxRow(this.consumer, "PaymentFrozen", "1", "reply-events", 0, null, 2);

		Report report = checkDatabases(Map.of());

		assertThat(report.ok()).isFalse();
		assertThat(report.violations().get(DatabaseInvariants.OUTBOX)).hasSize(2)
			.anySatisfy((v) -> assertThat(v).startsWith("orders database: row ")
				.contains("OrderCancelled 1, waiting 4")
				.contains("BREAKER_OPEN, 3 failed attempt(s), last error: connection refused"))
			.anySatisfy((v) -> assertThat(v).startsWith("consumer database: row ")
				.contains("PaymentFrozen 1")
				.contains("BREAKER_OPEN, 0 failed attempt(s))"));
		assertThat(report.figures()).containsEntry("outbox orders pending", 1L)
			.containsEntry("outbox consumer pending", 1L);
		assertThat((Long) report.figures().get("outbox orders oldest seconds")).isBetween(40L, 100L);
		assertThat(report.toString()).containsPattern("\\n  outbox rows pending +2\\n");
		assertThat(this.database.outboxPending()).isEqualTo(2);

		// While orders are taken, rows wait for the broker: the alert on their age
		// watches them, not the reconciliation.
		Report live = this.database.reconcile();
		assertThat(live.ok()).as(live.toString()).isTrue();
		assertThat(live.figures()).containsEntry("outbox orders pending", 1L);

		try (BrokerInvariants broker = new BrokerInvariants(infra.nameServer(), List.of("inventory"))) {
			InvariantChecker.Quiet quiet = InvariantChecker.Quiet.await(this.database, broker, Duration.ofSeconds(1),
					System.out);
			assertThat(quiet.reached()).isFalse();
			assertThat(quiet.outboxPending()).isEqualTo(2);
			assertThat(quiet.toString()).contains("2 outbox rows pending");
		}

		this.orders.update("DELETE FROM outbox_message");
		this.consumer.update("DELETE FROM outbox_message");
		Report relayed = checkDatabases(Map.of());
		assertThat(relayed.ok()).as(relayed.toString()).isTrue();
		assertThat(relayed.figures()).containsEntry("outbox orders pending", 0L)
			.containsEntry("outbox orders oldest seconds", 0L);
	}

	@Test
	void aFinalTransitionWithoutItsWebhookOrANotificationLeftPendingIsFoundAndNamed() {
		long all = endpoint("ACTIVE", null, 60);
		long cancelsOnly = endpoint("ACTIVE", "order.cancelled", 60);
		long disabled = endpoint("DISABLED", null, 60);
		long registeredAfter = endpoint("ACTIVE", null, 0);
		// Order 1, confirmed: owed to the endpoint that wants every event, delivered.
		this.saga.confirmedOrder(1, "BOOK-001", 1, "15.00");
		notification(all, 1, 1, "order.confirmed", "DELIVERED", 1, 200);
		// Order 2, confirmed then cancelled: its cancel is owed to both endpoints. One
		// never got it; the other's waits for a retry.
		this.saga.confirmedOrder(2, "BOOK-001", 1, "15.00");
		this.saga.cancelled(2, "USER_CANCELLED");
		notification(all, 2, 1, "order.confirmed", "DELIVERED", 2, 200);
		notification(cancelsOnly, 2, 2, "order.cancelled", "PENDING", 3, 500);
		// A disabled endpoint's notification waits until it is enabled: not a violation.
		notification(disabled, 1, 1, "order.confirmed", "PENDING", 0, null);
		// Order 3 was never cancelled, yet notified so.
		this.saga.confirmedOrder(3, "BOOK-001", 1, "15.00");
		notification(all, 3, 1, "order.confirmed", "FAILED", 9, 503);
		notification(all, 3, 2, "order.cancelled", "DELIVERED", 1, 200);

		Report report = checkDatabases(Map.of());

		// One each: the endpoint registered after the transitions is owed nothing.
		assertThat(report.ok()).isFalse();
		assertThat(report.violations().get(DatabaseInvariants.WEBHOOKS_NOT_NOTIFIED)).singleElement()
			.asString()
			.isEqualTo("order 2: order.cancelled 1 time(s) after endpoint " + all + " was registered, notified 0"
					+ " time(s)");
		assertThat(report.violations().get(DatabaseInvariants.WEBHOOKS_PENDING)).singleElement()
			.asString()
			.contains("of order 2 version 2, order.cancelled, to endpoint " + cancelsOnly + " (ACTIVE): PENDING")
			.contains("3 attempt(s)")
			.contains("last HTTP status 500");
		assertThat(report.violations().get(DatabaseInvariants.WEBHOOKS_INVENTED)).singleElement()
			.asString()
			.isEqualTo("endpoint " + all + " has 1 order.cancelled notification(s) of order 3, which made that"
					+ " transition 0 time(s)");
		assertThat(report.figures()).containsEntry("webhook endpoints ACTIVE", 3L)
			.containsEntry("webhook endpoints DISABLED", 1L)
			.containsEntry("webhook notifications PENDING", 2L)
			.containsEntry("webhooks pending", 1L)
			.containsEntry("webhooks waiting on disabled endpoints", 1L);
		assertThat(report.toString()).containsPattern("\\n  webhook notifications pending +1\\n")
			.containsPattern("\\n  final transitions not notified +1\\n");
		assertThat(this.database.webhooksPending()).isOne();

		// While orders are taken, a notification waits for its endpoint; a missing one is
		// missing at any time.
		Report live = this.database.reconcile();
		assertThat(live.violations()).doesNotContainKey(DatabaseInvariants.WEBHOOKS_PENDING);
		assertThat(live.count(DatabaseInvariants.WEBHOOKS_NOT_NOTIFIED)).isOne();
		assertThat(live.figures()).containsEntry("webhooks pending", 1L);

		try (BrokerInvariants broker = new BrokerInvariants(infra.nameServer(), List.of("inventory"))) {
			InvariantChecker.Quiet quiet = InvariantChecker.Quiet.await(this.database, broker, Duration.ofSeconds(1),
					System.out);
			assertThat(quiet.reached()).isFalse();
			assertThat(quiet.webhooksPending()).isOne();
			assertThat(quiet.toString()).contains("1 webhook notifications pending");
		}

		notification(all, 2, 2, "order.cancelled", "DELIVERED", 1, 200);
		this.orders.update("UPDATE webhook_notification SET status = 'DELIVERED' WHERE status = 'PENDING' "
				+ "AND endpoint_id = ?", cancelsOnly);
		this.orders.update("DELETE FROM webhook_notification WHERE order_id = 3 AND event_type = 'order.cancelled'");
		Report notified = checkDatabases(Map.of());
		assertThat(notified.ok()).as(notified.toString()).isTrue();
		assertThat(notified.figures()).containsEntry("webhooks pending", 0L)
			.containsEntry("webhooks waiting on disabled endpoints", 1L);
	}

	@Test
	void anEndpointWantsTheEventTypesItListsOrEveryTypeWithoutAList() {
		assertThat(WebhookInvariants.wants(null, "order.cancelled")).isTrue();
		assertThat(WebhookInvariants.wants("order.confirmed, order.cancelled", "order.cancelled")).isTrue();
		assertThat(WebhookInvariants.wants("order.confirmed", "order.cancelled")).isFalse();
	}

	@Test
	void aHalfMessageNobodySettlesIsOpenThenDiscardedAndTheCommandExitsOne() throws Exception {
		RawPublisher producer = new RawPublisher(infra.nameServer(), "invariant-checker-it",
				LocalTransactionState.UNKNOW);
		try (BrokerInvariants broker = new BrokerInvariants(infra.nameServer(), List.of("inventory"))) {
			producer.send("order-events", "NeverSettled", "k-1", new byte[] { 1 });
			await("the half message shows as open").atMost(Duration.ofSeconds(30))
				.until(() -> broker.read().unresolvedHalf() >= 1);
			Report open = new Report();
			broker.check(open);
			assertThat(open.count(BrokerInvariants.UNRESOLVED)).isOne();

			// The broker gives up after transactionCheckMax check-backs answered UNKNOWN.
			await("the broker discards it").atMost(Duration.ofSeconds(90))
				.until(() -> broker.read().discardedHalf() >= 1);
			Report discarded = new Report();
			broker.check(discarded);
			assertThat(discarded.count(BrokerInvariants.DISCARDED)).isOne();
		}
		finally {
			producer.close();
		}

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = InvariantChecker.run(Map.of("orders-db-url", infra.ordersJdbcUrl(), "consumer-db-url",
				infra.consumerJdbcUrl(), "db-user", infra.dbUser(), "db-password", infra.dbPassword(), "namesrv",
				infra.nameServer(), "quiet-timeout", "1s"), new PrintStream(out, true, StandardCharsets.UTF_8));
		assertThat(status).isOne();
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("TRANS_CHECK_MAX_TIME_TOPIC")
			.contains("RESULT: VIOLATIONS FOUND");
	}

	private Report checkDatabases(Map<String, Integer> baseline) {
		Report report = new Report();
		this.database.check(report, baseline);
		return report;
	}

	private void order(long id, String status, String total, String barrier) {
		String txId = "tx-" + id;
		this.orders.update("INSERT INTO transaction_record (tx_id, state) VALUES (?, ?)", txId, barrier);
		this.orders.update(
				"INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, tx_id, "
						+ "created_at, updated_at) VALUES (?, 'u', ?, REPEAT('0', 64), ?, ?, ?, NOW(3), NOW(3))",
				id, "key-" + id, status, new java.math.BigDecimal(total), txId);
	}

	/** A row of a local message table, written {@code ageSeconds} ago. */
	private static void outboxRow(JdbcTemplate database, String tag, String key, String topic, int attempts,
			String lastError, int ageSeconds) {
		database.update("INSERT INTO outbox_message (tx_id, topic, tag, message_key, body, reason, attempts, "
				+ "next_attempt_at, last_error, created_at) VALUES (?, ?, ?, ?, ?, 'BREAKER_OPEN', ?, NOW(3), ?, "
				+ "NOW(3) - INTERVAL ? SECOND)", "tx-outbox-" + tag, topic, tag, key, new byte[] { 1 }, attempts,
				lastError, ageSeconds);
	}

	/** A webhook endpoint, registered {@code ageSeconds} ago; returns its id. */
	private long endpoint(String status, String eventTypes, int ageSeconds) {
		this.orders.update(
				"INSERT INTO webhook_endpoint (url, event_types, status, secret, created_at, updated_at) "
						+ "VALUES ('http://127.0.0.1:1/hook', ?, ?, 'whsec_AAAA', NOW(3) - INTERVAL ? SECOND, NOW(3))",
				eventTypes, status, ageSeconds);
		return this.orders.queryForObject("SELECT MAX(id) FROM webhook_endpoint", Long.class);
	}

	/**
	 * A notification of an order's transition to an endpoint, as the dispatcher left it.
	 */
	private void notification(long endpoint, long orderId, int version, String eventType, String status, int attempts,
			Integer lastStatus) {
		this.orders.update("INSERT INTO webhook_notification (endpoint_id, webhook_id, order_id, event_type, "
				+ "order_version, payload, status, attempts, next_attempt_at, last_status, created_at, finished_at) "
				+ "VALUES (?, ?, ?, ?, ?, '{}', ?, ?, NOW(3) + INTERVAL 10 SECOND, ?, NOW(3), "
				+ "IF(? = 'PENDING', NULL, NOW(3)))", endpoint, "msg_" + endpoint + "_" + orderId + "_" + version,
				orderId, eventType, version, status, attempts, lastStatus, status);
	}

	private void effect(long orderId, String group, String state) {
		this.consumer.update("INSERT INTO order_effect VALUES (?, ?, ?, NOW(3))", group, orderId, state);
	}

}
