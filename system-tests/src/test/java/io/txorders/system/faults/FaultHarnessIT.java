package io.txorders.system.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.txorders.invariants.BrokerInvariants;
import io.txorders.invariants.DatabaseInvariants;
import io.txorders.invariants.InvariantChecker;
import io.txorders.invariants.Report;
import io.txorders.system.faults.OrderLoad.ClientOrder;
import io.txorders.system.faults.OrderLoad.Kind;
import io.txorders.testsupport.WebhookReceiver;
import io.txorders.testsupport.Accounts;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault harness: the whole stack as separate processes under a bounded, mixed load of
 * orders from funded customers (and a few without money), while it kills producer-service
 * at each crash point of placing an order and once in its outbox relay between publishing
 * a row and deleting it, consumer-service in the middle of applying effects (among them
 * inside payment's Try, Confirm and Cancel), stops the broker for a while and starts it
 * again, cuts every database connection for a few seconds and holds a table lock over
 * local transactions. Two standalone checkback processes answer check-backs and relay the
 * orders database's local message table throughout. Afterwards, once quiet, the invariant
 * checker must find nothing lost, nothing applied twice, no orphans, no half message left
 * open, no event left in a local message table, stock reconciled; every order the client
 * was told about must exist exactly once with the outcome its kind implies; and every
 * order whose event went through the local message table must be on the topic once.
 * <p>
 * A merchant's webhook receiver ({@link WebhookReceiver}, on 127.0.0.1) is registered
 * through the admin API before the load: once quiet, every final order was POSTed to it,
 * each notification with a valid signature and its stored body, and every notification is
 * DELIVERED. Once a round it kills producer-service on receiving a POST, before answering
 * it: the dispatcher made the POST and never recorded its answer, and the same
 * {@code webhook-id} must come again once the claim's lease has run out.
 * <p>
 * While the broker is down orders are still accepted: the publisher writes their events
 * to the local message table, and the relays publish them once the broker is back. The
 * harness prints {@code broker outage: N accepted (201), M refused (503)} for the orders
 * sent from the moment the broker's process is gone until it is ready again, and fails
 * unless N &gt; 0 and M = 0.
 * <p>
 * The stack runs two broker groups. One round kills broker-b's JVM (SIGKILL, its store
 * kept) while a table lock holds orders inside their local transactions, their half
 * messages stored; orders go on through broker-a (or the local message table) until
 * broker-b is started again. It prints
 * {@code broker-b outage: N accepted (201), M refused
 * (503)} and the half messages broker-b held that a check-back committed after its
 * return, and fails unless N &gt; 0, M = 0 and some were.
 * <p>
 * Bounded: {@code -Dfaults.orders} (default 1000) orders at least,
 * {@code -Dfaults.rounds} (default 1) times the whole fault schedule, or with 0 the
 * schedule over and over until the orders are placed (the soak in the README). Between
 * two faults {@code -Dfaults.orders-between} (default 40) orders must be accepted.
 */
class FaultHarnessIT {

	private static final Logger log = LoggerFactory.getLogger(FaultHarnessIT.class);

	/**
	 * The outbox relay's half message for a row stored, the row not yet deleted. For that
	 * start producer-service is in outbox-only mode: every event goes through the local
	 * message table, and its own relay, woken by each event it writes, takes the rows
	 * before the checkbacks' relays poll for them. (A breaker forced open would not do:
	 * it pauses this relay, and the checkbacks' relays would take every row.) Once
	 * killed, the row is free again after the lease, and a checkback's relay or the
	 * restarted producer-service publishes it.
	 */
	private static final CrashPoint RELAY_BEFORE_MARK = new CrashPoint("relay-before-mark", "OrderCreated",
			List.of("-Dtxorders.messaging.outbox.mode=ALWAYS"));

	/**
	 * Each publishing point in placing an order (producer-service also publishes the
	 * coordinator's OrderConfirmed and OrderCancelled through the same points, so they
	 * are aimed at OrderCreated), then the coordinator's confirmation committed in the
	 * database and not on the broker, last the relay's.
	 */
	private static final List<CrashPoint> PRODUCER_CRASH_POINTS = List.of(
			new CrashPoint("after-half-sent", "OrderCreated"),
			new CrashPoint("inside-local-transaction", "OrderCreated"),
			new CrashPoint("after-local-commit", "OrderCreated"), new CrashPoint("after-broker-commit", "OrderCreated"),
			new CrashPoint("after-local-commit", "OrderConfirmed"), RELAY_BEFORE_MARK);

	/**
	 * consumer-inside-effect aimed at payment's three TCC steps (the kit's dedupe row
	 * written, the step's transaction open), between the reply publisher's and the
	 * acknowledgement's points, which any group reaches.
	 */
	private static final List<CrashPoint> CONSUMER_CRASH_POINTS = List.of(
			new CrashPoint("consumer-inside-effect", "payment OrderCreated"), new CrashPoint("after-local-commit"),
			new CrashPoint("consumer-inside-effect", "payment OrderConfirmed"), new CrashPoint("consumer-before-ack"),
			new CrashPoint("consumer-inside-effect", "payment OrderCancelled"));

	/** Money each funded customer starts with: far more than the load spends. */
	private static final BigDecimal FUNDS_PER_CUSTOMER = new BigDecimal("100000.00");

	private static final int MIN_ORDERS = Integer.getInteger("faults.orders", 1000);

	private static final int ROUNDS = Integer.getInteger("faults.rounds", 1);

	private static final int CLIENTS = Integer.getInteger("faults.clients", 8);

	/** New orders per second at most; the consumers keep up, so quiet comes soon. */
	private static final int RATE = Integer.getInteger("faults.rate", 25);

	/** Orders accepted between two faults, so each fault meets traffic. */
	private static final int ORDERS_BETWEEN_FAULTS = Integer.getInteger("faults.orders-between", 40);

	private static final Duration QUIET_TIMEOUT = Duration.ofMinutes(4);

	/**
	 * Orders sent and answered after the broker's process is gone before it is started
	 * again: the outage lasts as long as they take.
	 */
	private static final int ORDERS_DURING_OUTAGE = Integer.getInteger("faults.orders-during-outage", 40);

	private static final String ORDER_TOPIC = "order-events";

	/** The groups whose Try is OrderCreated. */
	private static final List<String> TRY_GROUPS = List.of("inventory", "payment");

	/**
	 * The user property with the transaction id of a message (the kit's TransactionIds).
	 */
	private static final String TX_ID_PROPERTY = "txId";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static FaultStack stack;

	private static WebhookReceiver receiver;

	private final Path faultsDir = Paths.get("target", "faults").toAbsolutePath();

	private final Map<String, Integer> faults = new TreeMap<>();

	private final List<String> timeline = new ArrayList<>();

	private final Instant started = Instant.now();

	private final long startedNanos = System.nanoTime();

	private final Map<String, Integer> stockBaseline = new HashMap<>();

	/**
	 * Each outage: from the broker's process gone to its start, in
	 * {@link System#nanoTime()}.
	 */
	private final List<long[]> outages = new ArrayList<>();

	/**
	 * Each broker group outage: from broker-b's process gone to its return, in
	 * {@link System#nanoTime()}, and the kill and restart in wall-clock milliseconds (the
	 * broker's timestamps).
	 */
	private final List<long[]> groupOutages = new ArrayList<>();

	private final List<long[]> groupOutageMillis = new ArrayList<>();

	/** Orders held in their local transactions, half message stored, at each kill. */
	private final List<Integer> stalledAtGroupKill = new ArrayList<>();

	/** Orders whose OrderCreated a relay published, once quiet. */
	private Set<String> relayedOrders = Set.of();

	/** The order topic as read once quiet. */
	private List<MessageExt> orderEvents = List.of();

	/** Where each kill at relay-before-mark stopped the relay (the signal's detail). */
	private final List<String> relayKills = new CopyOnWriteArrayList<>();

	/** Each {@code webhook-id} whose POST killed producer-service before its answer. */
	private final List<String> webhookKills = new CopyOnWriteArrayList<>();

	private int rounds;

	@BeforeAll
	static void prepare() throws IOException {
		stack = new FaultStack(Paths.get("target", "faults").toAbsolutePath());
		receiver = WebhookReceiver.answering();
	}

	@AfterAll
	static void stopStack() {
		if (stack != null) {
			stack.close();
		}
		if (receiver != null) {
			receiver.close();
		}
	}

	@Test
	void nothingIsLostOrAppliedTwiceWhateverCrashes() throws Exception {
		// producer-service starts armed with its first crash point; consumer-service is
		// armed when its turn comes, so its crash lands then, under load.
		stack.start(arm("producer-service", PRODUCER_CRASH_POINTS.get(0)), List.of());
		// Registered before the load: every order the load places is owed a notification.
		long webhookEndpoint = registerWebhookReceiver();
		DatabaseInvariants database = new DatabaseInvariants(stack.ordersDatabase(), stack.consumerDatabase());
		DatabaseFaults databaseFaults = new DatabaseFaults(stack.server(),
				List.of(stack.ordersDatabaseName(), stack.consumerDatabaseName()));
		this.stockBaseline.putAll(database.stockUnits());
		OrderLoad load = new OrderLoad(URI.create("http://127.0.0.1:" + stack.producer.port()), stack.customerTokens(),
				CLIENTS, RATE, 42);
		// Without money every order ends CANCELLED by payment.
		List<String> funded = load.fundedCustomers();
		assertThat(Accounts.deposit(stack.consumerDatabase(), funded, FUNDS_PER_CUSTOMER, "fault-harness"))
			.as("customers funded")
			.isEqualTo(funded.size());
		load.start();
		try {
			// ROUNDS 0: a soak, the schedule again and again until the orders are placed.
			for (int round = 1; (ROUNDS > 0) ? round <= ROUNDS : load.accepted() < MIN_ORDERS; round++) {
				log.info("fault round {} ({} orders accepted so far)", round, load.accepted());
				this.rounds = round;
				// Both apps go through their crash points at once: each kill meets the
				// other's restarts, and the run stays short.
				boolean producerRestartArmed = round > 1;
				ExecutorService both = Executors.newFixedThreadPool(2);
				try {
					CompletableFuture
						.allOf(CompletableFuture.runAsync(
								() -> crashThrough(stack.producer, PRODUCER_CRASH_POINTS, load, producerRestartArmed),
								both),
								CompletableFuture.runAsync(
										() -> crashThrough(stack.consumer, CONSUMER_CRASH_POINTS, load, true), both))
						.join();
				}
				finally {
					both.shutdownNow();
				}
				progress(load);
				brokerOutage(load, database);
				progress(load);
				brokerGroupOutage(load, database, databaseFaults);
				progress(load);
				int killed = databaseFaults.killConnectionsFor(Duration.ofSeconds(3));
				note("database connections killed", killed + " connections killed over 3 s");
				progress(load);
				note("table lock", "LOCK TABLES order_item WRITE held 5 s");
				databaseFaults.holdTableLock(stack.ordersDatabaseName(), "order_item", Duration.ofSeconds(5));
				progress(load);
				killOnWebhookPost();
				progress(load);
				restockIfLow(stack);
			}
			// Bounded by the order count; the deadline assumes 5 or more orders a second.
			await("at least " + MIN_ORDERS + " orders accepted").atMost(Duration.ofSeconds(600 + MIN_ORDERS / 5))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> load.accepted() >= MIN_ORDERS);
		}
		finally {
			load.stop();
		}
		Instant loadEnded = Instant.now();
		Report report;
		InvariantChecker.Quiet quiet;
		try (BrokerInvariants broker = new BrokerInvariants(stack.nameServer(),
				List.of("inventory", "payment", "points", "order-replies"))) {
			// A long soak ends with a consumer backlog, which takes proportionally long
			// to drain.
			Duration quietTimeout = QUIET_TIMEOUT.plusSeconds(load.accepted() / 50);
			quiet = InvariantChecker.Quiet.await(database, broker, quietTimeout, System.out);
			report = InvariantChecker.check(database, broker, this.stockBaseline);
		}
		List<String> clientViolations = clientViolations(load.orders());
		Map<String, Integer> holds = paymentHolds();
		// An outage is a 503 with Retry-After; a bare 500 tells a client nothing it can
		// act on.
		load.retriesByCause().forEach((cause, count) -> {
			if (cause.startsWith("HTTP 5") && !cause.equals("HTTP 503")) {
				clientViolations.add(count + " answers were " + cause + " rather than 503 Service Unavailable");
			}
		});
		Map<String, Long> checkbacks = checkbacksAnswered();
		Relayed relayed = relayed(load);
		GroupOutage groupOutage = groupOutage(load);
		Webhooks webhooks = webhooks(webhookEndpoint);
		String summary = summary(load, quiet, report, clientViolations, checkbacks, holds, relayed, webhooks, loadEnded)
				+ groupOutage.text();
		log.info("broker group outage:\n{}", groupOutage.text());
		log.info("fault harness report:\n{}", summary);
		Files.writeString(Paths.get("target", "faults", "report.txt"), summary, StandardCharsets.UTF_8);

		assertThat(quiet.reached()).as("the stack went quiet\n" + summary).isTrue();
		assertThat(report.ok()).as(summary).isTrue();
		assertThat(clientViolations).as(summary).isEmpty();
		assertThat(load.accepted()).isGreaterThanOrEqualTo(MIN_ORDERS);
		assertThat(this.faults.keySet()).as("every crash point was reached and killed")
			.containsAll(PRODUCER_CRASH_POINTS.stream().map((p) -> "kill -9 producer-service at " + p).toList())
			.containsAll(CONSUMER_CRASH_POINTS.stream().map((p) -> "kill -9 consumer-service at " + p).toList());
		// Each TCC path ran: captured (confirmed), released (cancelled before), refunded
		// (a confirmed order cancelled by its customer).
		assertThat(load.cancelledWhenConfirmed()).as("orders cancelled after the client saw them CONFIRMED\n" + summary)
			.isPositive();
		assertThat(holds).as("payment holds by status\n" + summary)
			.containsKeys("CAPTURED", "RELEASED", "REFUNDED")
			.doesNotContainKey("FROZEN");
		assertThat(checkbacks.values().stream().mapToLong(Long::longValue).sum())
			.as("the standalone checkback processes answered check-backs while producer-service was down")
			.isPositive();
		// While the broker was down, orders were still accepted: their events waited in
		// the local message table, and the relays published each once after its return.
		assertThat(report.violations()).as("the local message tables were checked")
			.containsKey(DatabaseInvariants.OUTBOX);
		Map<String, Long> outage = outageAnswers(load);
		assertThat(outage.getOrDefault("201", 0L)).as("orders accepted while the broker was down\n" + summary)
			.isPositive();
		assertThat(outage.getOrDefault("503", 0L)).as("orders refused while the broker was down\n" + summary).isZero();
		assertThat(relayed.violations()).as(summary).isEmpty();
		// While broker-b was down orders went on through broker-a (or the local message
		// table), none refused; the half messages it held were resolved after its return.
		assertThat(groupOutage.answers().getOrDefault("201", 0L))
			.as("orders accepted while broker-b was down\n" + summary)
			.isPositive();
		assertThat(groupOutage.answers().getOrDefault("503", 0L))
			.as("orders refused while broker-b was down\n" + summary)
			.isZero();
		assertThat(groupOutage.halvesResolvedAfterReturn())
			.as("half messages on broker-b resolved after its return\n" + summary)
			.isPositive();
		assertThat(relayed.killed()).as("orders whose relay was killed before it marked the row\n" + summary)
			.isNotEmpty();
		// Every final order was told to the merchant's receiver, signed; the POST the
		// kill cut off came again with its webhook-id.
		assertThat(report.violations()).as("the webhook notifications were checked")
			.containsKeys(DatabaseInvariants.WEBHOOKS_PENDING, DatabaseInvariants.WEBHOOKS_NOT_NOTIFIED);
		assertThat(webhooks.notifications()).as("webhook notifications\n" + summary).isPositive();
		assertThat(webhooks.violations()).as(summary).isEmpty();
		assertThat(webhooks.killed()).as("webhook POSTs whose answer a kill cut off\n" + summary).isNotEmpty();
	}

	/**
	 * Registers the receiver through producer-service's admin API, as a merchant's
	 * endpoint for every event type; the answer's secret is what the receiver verifies
	 * signatures with.
	 * @return the endpoint's id
	 */
	private long registerWebhookReceiver() throws IOException, InterruptedException {
		URI uri = URI.create("http://127.0.0.1:" + stack.producer.port() + "/admin/api/webhooks");
		String body = json.writeValueAsString(Map.of("url", receiver.url(), "description", "fault harness"));
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(uri)
				.header("Authorization", stack.adminAuthorization())
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("POST /admin/api/webhooks: " + response.body()).isEqualTo(201);
		receiver.verifyingWith(json.readTree(response.body()).get("secret").asString());
		long id = new JdbcTemplate(stack.ordersDatabase()).queryForObject(
				"SELECT id FROM webhook_endpoint WHERE url = ? AND status = 'ACTIVE'", Long.class, receiver.url());
		mark("webhook receiver " + receiver.url() + " registered as endpoint " + id);
		return id;
	}

	/**
	 * The receiver kills producer-service (SIGKILL) on the next POST, before answering
	 * it: the dispatcher made the POST and never recorded the answer, its attempt left
	 * IN_FLIGHT. producer-service is started again; once the claim's lease
	 * ({@code WEBHOOK_LEASE}, 15 s here) has run out, a dispatcher takes the notification
	 * again and POSTs the same {@code webhook-id}.
	 */
	private void killOnWebhookPost() {
		int before = this.webhookKills.size();
		receiver.armBeforeAnswer((webhookId) -> {
			stack.producer.kill();
			this.webhookKills.add(webhookId);
		});
		await("a webhook POST to kill producer-service on").atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.webhookKills.size() > before);
		note("kill -9 producer-service after a webhook POST, before its answer",
				"webhook-id " + this.webhookKills.get(before));
		restart(stack.producer, List.of());
	}

	/**
	 * What the receiver got, against the endpoint's notifications, once quiet.
	 *
	 * @param notifications the endpoint's notifications
	 * @param posts POSTs received, bad signatures included
	 * @param duplicates POSTs of a {@code webhook-id} received before
	 * @param badSignatures POSTs whose signature or timestamp did not verify
	 * @param byStatus the notifications by status
	 * @param killed each POST whose answer a kill cut off: what became of it
	 * @param violations a final order not notified, a notification never received or
	 * received with another body, a POST nobody wrote, a bad signature, a notification
	 * not DELIVERED although each POST was answered 2xx
	 */
	record Webhooks(int notifications, int posts, int duplicates, int badSignatures, Map<String, Integer> byStatus,
			List<String> killed, List<String> violations) {

		String line() {
			return "webhooks: " + this.notifications + " notifications, " + this.posts + " POSTs, " + this.duplicates
					+ " duplicates (same webhook-id), " + this.badSignatures + " bad signatures";
		}

	}

	/**
	 * Every final order (the load places each after the receiver's registration) has a
	 * notification of its current version; every notification reached the receiver with a
	 * valid signature and exactly its stored body, which names its order, version and
	 * event, and is DELIVERED; the receiver got no id the table does not hold. Each POST
	 * a kill cut off came again, and its notification shows the attempt left IN_FLIGHT
	 * and a later one DELIVERED.
	 */
	private Webhooks webhooks(long endpoint) {
		JdbcTemplate orders = new JdbcTemplate(stack.ordersDatabase());
		Map<String, List<WebhookReceiver.Received>> posts = receiver.byWebhookId();
		List<String> violations = new ArrayList<>();
		Map<String, Integer> byStatus = new TreeMap<>();
		Set<String> held = new HashSet<>();
		Set<String> versions = new HashSet<>();
		orders.query("""
				SELECT id, webhook_id, order_id, order_version, event_type, status, payload
				FROM webhook_notification WHERE endpoint_id = ?""", (row) -> {
			String webhookId = row.getString(2);
			long order = row.getLong(3);
			int version = row.getInt(4);
			String eventType = row.getString(5);
			String status = row.getString(6);
			String payload = row.getString(7);
			String name = "notification " + row.getLong(1) + " (" + webhookId + ", order " + order + " version "
					+ version + ", " + eventType + ", " + status + ")";
			byStatus.merge(status, 1, Integer::sum);
			held.add(webhookId);
			versions.add(order + "/" + version);
			List<WebhookReceiver.Received> received = posts.getOrDefault(webhookId, List.of());
			if (received.isEmpty()) {
				violations.add(name + " never reached the receiver with a valid signature");
			}
			if (received.stream().anyMatch((post) -> !post.body().equals(payload))) {
				violations.add(name + " was POSTed with a body other than the one stored");
			}
			JsonNode event = json.readTree(payload);
			JsonNode data = event.get("data");
			String expectedStatus = eventType.equals("order.confirmed") ? "CONFIRMED" : "CANCELLED";
			if (!event.get("type").asString().equals(eventType) || !data.get("orderId").asString().equals("" + order)
					|| data.get("version").asInt() != version
					|| !data.get("status").asString().equals(expectedStatus)) {
				violations.add(name + " carries " + payload);
			}
			if (!"DELIVERED".equals(status)) {
				violations.add(name + " is not DELIVERED, although the receiver answered every valid POST with 200");
			}
		}, endpoint);
		orders.query("SELECT id, status, version FROM orders WHERE status IN ('CONFIRMED', 'CANCELLED')", (row) -> {
			if (!versions.contains(row.getLong(1) + "/" + row.getInt(3))) {
				violations.add("order " + row.getLong(1) + " is " + row.getString(2) + " (version " + row.getInt(3)
						+ ") but the receiver's endpoint holds no notification of that version");
			}
		});
		posts.keySet()
			.stream()
			.filter((webhookId) -> !held.contains(webhookId))
			.forEach((webhookId) -> violations
				.add("the receiver got webhook-id " + webhookId + ", which no notification of its endpoint holds"));
		List<WebhookReceiver.Received> bad = receiver.badSignatures();
		bad.forEach((post) -> violations.add("a POST with webhook-id " + post.webhookId() + ", timestamp "
				+ post.timestamp() + ": its signature or timestamp did not verify"));
		int valid = posts.values().stream().mapToInt(List::size).sum();
		List<String> killed = new ArrayList<>();
		for (String webhookId : this.webhookKills) {
			List<WebhookReceiver.Received> received = posts.getOrDefault(webhookId, List.of());
			List<Map<String, Object>> notification = orders
				.queryForList("SELECT id, status FROM webhook_notification WHERE webhook_id = ?", webhookId);
			List<String> attempts = orders.queryForList("""
					SELECT CONCAT(a.attempt_no, ' ', a.outcome, IF(a.finished_at IS NULL, ' unfinished', ''))
					FROM webhook_attempt a JOIN webhook_notification n ON n.id = a.notification_id
					WHERE n.webhook_id = ? ORDER BY a.attempt_no""", String.class, webhookId);
			String gap = (received.size() >= 2)
					? Duration.between(received.get(0).at(), received.get(1).at()).toMillis() + " ms" : "-";
			String status = notification.isEmpty() ? "missing" : String.valueOf(notification.get(0).get("status"));
			killed.add("webhook-id " + webhookId + ": POSTed " + received.size() + " times (first to second " + gap
					+ "), attempts " + attempts + ", notification " + status);
			if (received.size() < 2) {
				violations.add("webhook-id " + webhookId + ", whose answer a kill cut off, was POSTed "
						+ received.size() + " time(s), not again");
			}
			if (!"DELIVERED".equals(status)) {
				violations.add("webhook-id " + webhookId + ", whose answer a kill cut off, is " + status);
			}
			if (attempts.size() < 2 || attempts.stream().noneMatch((a) -> a.endsWith(" IN_FLIGHT unfinished"))
					|| !attempts.get(attempts.size() - 1).endsWith(" DELIVERED")) {
				violations.add("webhook-id " + webhookId + ", whose answer a kill cut off, has attempts " + attempts
						+ ", not one left IN_FLIGHT and a later one DELIVERED");
			}
		}
		return new Webhooks(byStatus.values().stream().mapToInt(Integer::intValue).sum(),
				receiver.received().size() + receiver.badSignatures().size(), valid - posts.size(), bad.size(),
				byStatus, killed, violations);
	}

	/**
	 * The process runs armed with the first crash point (started so now, if
	 * {@code restartArmed}); each time it reaches the armed point it is killed with
	 * SIGKILL and started again armed with the next, and finally unarmed.
	 */
	private void crashThrough(ServiceProcess app, List<CrashPoint> points, OrderLoad load, boolean restartArmed) {
		if (restartArmed) {
			restart(app, arm(app.name(), points.get(0)));
		}
		Path signal = signalFile(app.name());
		for (int i = 0; i < points.size(); i++) {
			CrashPoint point = points.get(i);
			await(app.name() + " reaches crash point " + point).atMost(Duration.ofMinutes(3))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> Files.exists(signal));
			String where;
			try {
				where = Files.readString(signal).trim();
				app.kill();
				Files.delete(signal);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			note("kill -9 " + app.name() + " at " + point, where);
			if (point.equals(RELAY_BEFORE_MARK)) {
				this.relayKills.add(where);
			}
			boolean more = i + 1 < points.size();
			restart(app, more ? arm(app.name(), points.get(i + 1)) : List.of());
			progress(load);
		}
	}

	private void restart(ServiceProcess app, List<String> arguments) {
		app.kill();
		app.start(arguments);
		app.awaitHealthy(Duration.ofMinutes(3));
	}

	/**
	 * Arms a crash point: the third time the process reaches it (so it is mid-traffic,
	 * not on the first request), with a detail the point's filter matches if it has one,
	 * it stops there and writes its own signal file. The point's settings apply to that
	 * start only.
	 */
	private List<String> arm(String app, CrashPoint point) {
		List<String> arguments = new ArrayList<>(List.of("-Dtxorders.faults.crash-point=" + point.name(),
				"-Dtxorders.faults.crash-at=3", "-Dtxorders.faults.signal-file=" + signalFile(app)));
		if (point.filter() != null) {
			arguments.add("-Dtxorders.faults.crash-filter=" + point.filter());
		}
		arguments.addAll(point.settings());
		return arguments;
	}

	private Path signalFile(String app) {
		return this.faultsDir.resolve(app + ".crash-signal");
	}

	/**
	 * Stops the broker (NameServer, Broker and proxy, SIGTERM), keeps it down until
	 * {@link #ORDERS_DURING_OUTAGE} orders sent after its process was gone are answered,
	 * and starts it again. The outage's orders are those sent from the moment its process
	 * is gone until it is ready again. Requests in flight when it went away are not: a
	 * half message sent then may have been stored, and is rightly refused with 503.
	 */
	private void brokerOutage(OrderLoad load, DatabaseInvariants database) {
		note("broker", "NameServer, Broker and proxy stopped");
		stack.stopInfra();
		long gone = System.nanoTime();
		await(ORDERS_DURING_OUTAGE + " orders answered while the broker is down").atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> load.placementsSentBetween(gone, System.nanoTime()).size() >= ORDERS_DURING_OUTAGE);
		long starting = System.nanoTime();
		Map<String, DatabaseInvariants.OutboxBacklog> outbox = database.outboxBacklog();
		stack.startInfra();
		long ready = System.nanoTime();
		this.outages.add(new long[] { gone, ready });
		note("broker down", Duration.ofNanos(ready - gone).toMillis() + " ms: process gone "
				+ Duration.ofNanos(starting - gone).toMillis() + " ms, orders sent then answered "
				+ answers(load.placementsSentBetween(gone, starting)) + ", local message tables " + outbox
				+ "; starting " + Duration.ofNanos(ready - starting).toMillis() + " ms, orders sent then answered "
				+ answers(load.placementsSentBetween(starting, ready)) + "; ready again");
	}

	/**
	 * Kills broker group broker-b (SIGKILL of its JVM, its store kept) while orders keep
	 * coming, and starts it again once {@link #ORDERS_DURING_OUTAGE} orders sent after
	 * its process was gone are answered; broker-a, the NameServer and every app stay up.
	 * At the kill, orders are held inside their local transactions by a table lock, after
	 * their half messages were stored: those on broker-b stay open while it is down, the
	 * producer's COMMIT cannot reach it, and its check-backs resolve them after its
	 * return.
	 */
	private void brokerGroupOutage(OrderLoad load, DatabaseInvariants database, DatabaseFaults databaseFaults)
			throws Exception {
		String group = FaultStack.BROKER_B;
		ExecutorService locker = Executors.newSingleThreadExecutor();
		try {
			CompletableFuture<Void> lock = CompletableFuture.runAsync(() -> {
				try {
					databaseFaults.holdTableLock(stack.ordersDatabaseName(), "order_item", Duration.ofSeconds(4));
				}
				catch (java.sql.SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}, locker);
			// Bounded: most clients' orders waiting on the lock, or 3 s, whichever first.
			int stalled = 0;
			long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (System.nanoTime() < until && stalled < CLIENTS - 2) {
				Thread.sleep(100);
				stalled = stalledOnLock();
			}
			long killedMillis = System.currentTimeMillis();
			stack.killBrokerGroup(group);
			long gone = System.nanoTime();
			this.stalledAtGroupKill.add(stalled);
			lock.get(30, java.util.concurrent.TimeUnit.SECONDS);
			await(ORDERS_DURING_OUTAGE + " orders answered while " + group + " is down").atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> load.placementsSentBetween(gone, System.nanoTime()).size() >= ORDERS_DURING_OUTAGE);
			long starting = System.nanoTime();
			long startingMillis = System.currentTimeMillis();
			Map<String, DatabaseInvariants.OutboxBacklog> outbox = database.outboxBacklog();
			stack.startBrokerGroup(group);
			long ready = System.nanoTime();
			this.groupOutages.add(new long[] { gone, ready });
			this.groupOutageMillis.add(new long[] { killedMillis, startingMillis });
			note("kill -9 broker group " + group + " (store kept), started again",
					Duration.ofNanos(ready - gone).toMillis() + " ms down: " + stalled
							+ " orders held in their local transactions at the kill; process gone "
							+ Duration.ofNanos(starting - gone).toMillis() + " ms, orders sent then answered "
							+ answers(load.placementsSentBetween(gone, starting)) + ", local message tables " + outbox
							+ "; starting " + Duration.ofNanos(ready - starting).toMillis()
							+ " ms, orders sent then answered " + answers(load.placementsSentBetween(starting, ready)));
		}
		finally {
			locker.shutdownNow();
		}
	}

	/** Sessions of the orders database waiting for a table lock. */
	private static int stalledOnLock() {
		Integer waiting = new JdbcTemplate(stack.server()).queryForObject(
				"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table%'",
				Integer.class, stack.ordersDatabaseName());
		return (waiting != null) ? waiting : 0;
	}

	/**
	 * What broker-b's outages came to, once quiet.
	 *
	 * @param answers the answers to the orders sent while it was down
	 * @param halvesResolvedAfterReturn messages on broker-b born before its kill and
	 * first stored after its restart began: half messages it held open while down,
	 * committed by a check-back after its return
	 * @param text the report's section
	 */
	record GroupOutage(Map<String, Long> answers, int halvesResolvedAfterReturn, String text) {
	}

	private GroupOutage groupOutage(OrderLoad load) {
		List<OrderLoad.Placement> placements = new ArrayList<>();
		this.groupOutages.forEach((outage) -> placements.addAll(load.placementsSentBetween(outage[0], outage[1])));
		Map<String, Long> answers = answers(placements);
		List<String> accepted = placements.stream()
			.filter((placement) -> placement.answer().equals("201"))
			.map((placement) -> placement.order().orderId())
			.toList();
		long throughTable = accepted.stream().filter(this.relayedOrders::contains).count();
		String address = stack.brokerGroupAddress(FaultStack.BROKER_B);
		int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
		List<MessageExt> replies;
		try (TopicProbe topic = new TopicProbe(stack.nameServer(), "reply-events")) {
			replies = topic.readAll(Duration.ofSeconds(2));
		}
		// A transaction stored on broker-b before the kill is "again" when its
		// message came after the return too: the op record of its COMMIT, batched
		// in memory, died with the process, and the returned group checked it back
		// (consumers dedupe).
		Map<String, Integer> first = new TreeMap<>();
		Map<String, Integer> again = new TreeMap<>();
		Map<String, Integer> stored = new TreeMap<>();
		for (Map.Entry<String, List<MessageExt>> topic : Map.of(ORDER_TOPIC, this.orderEvents, "reply-events", replies)
			.entrySet()) {
			Map<String, Long> firstStored = new HashMap<>();
			List<MessageExt> onB = topic.getValue()
				.stream()
				.filter((message) -> ((java.net.InetSocketAddress) message.getStoreHost()).getPort() == port)
				.toList();
			onB.forEach((message) -> firstStored.merge(message.getUserProperty(TX_ID_PROPERTY),
					message.getStoreTimestamp(), Math::min));
			stored.put(topic.getKey(), onB.size());
			for (MessageExt message : onB) {
				for (long[] outage : this.groupOutageMillis) {
					if (message.getBornTimestamp() < outage[0] && message.getStoreTimestamp() >= outage[1]) {
						boolean before = firstStored.get(message.getUserProperty(TX_ID_PROPERTY)) < outage[0];
						(before ? again : first).merge(topic.getKey(), 1, Integer::sum);
					}
				}
			}
		}
		int halves = first.values().stream().mapToInt(Integer::intValue).sum();
		String text = "== broker group outage (" + this.groupOutages.size() + " x kill -9 " + FaultStack.BROKER_B
				+ " at " + address + ", store kept)\n" + "  " + FaultStack.BROKER_B + " outage: "
				+ answers.getOrDefault("201", 0L) + " accepted (201), " + answers.getOrDefault("503", 0L)
				+ " refused (503); answers " + answers + "; of the accepted, " + throughTable
				+ " went through the local message table\n" + "  orders held in their local transactions at the kill "
				+ this.stalledAtGroupKill + "\n" + "  half messages on " + FaultStack.BROKER_B
				+ " born before the kill, committed after its return by check-back: " + halves + " " + first
				+ "; committed before the kill and again after (op record lost with the process): "
				+ again.values().stream().mapToInt(Integer::intValue).sum() + " " + again + "\n"
				+ "  messages stored on " + FaultStack.BROKER_B + " " + stored + "\n";
		return new GroupOutage(answers, halves, text);
	}

	/** Answers by HTTP status (or exception), in order. */
	private static Map<String, Long> answers(List<OrderLoad.Placement> placements) {
		Map<String, Long> answers = new TreeMap<>();
		placements.forEach((placement) -> answers.merge(placement.answer(), 1L, Long::sum));
		return answers;
	}

	/**
	 * When {@code POST /orders} was answered 503: the count by second since the start.
	 */
	private Map<Long, Integer> refusals(OrderLoad load) {
		Map<Long, Integer> bySecond = new TreeMap<>();
		load.placementsSentBetween(this.startedNanos, System.nanoTime())
			.stream()
			.filter((placement) -> placement.answer().equals("503"))
			.forEach((placement) -> bySecond
				.merge(Duration.ofNanos(placement.answeredAt() - this.startedNanos).toSeconds(), 1, Integer::sum));
		return bySecond;
	}

	/**
	 * {@code broker outage: N accepted (201), M refused (503)}: the answers to the orders
	 * sent while the broker was down (its process gone, or not yet ready again), over
	 * every outage of the run.
	 */
	private String outageLine(OrderLoad load) {
		Map<String, Long> answers = outageAnswers(load);
		return "broker outage: " + answers.getOrDefault("201", 0L) + " accepted (201), "
				+ answers.getOrDefault("503", 0L) + " refused (503)";
	}

	private Map<String, Long> outageAnswers(OrderLoad load) {
		List<OrderLoad.Placement> placements = new ArrayList<>();
		this.outages.forEach((outage) -> placements.addAll(load.placementsSentBetween(outage[0], outage[1])));
		return answers(placements);
	}

	/** Waits until more orders are accepted: the stack is serving again after a fault. */
	private void progress(OrderLoad load) {
		int target = load.accepted() + ORDERS_BETWEEN_FAULTS;
		await("the stack accepts orders again").atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> load.accepted() >= target);
	}

	/**
	 * Long soaks sell every sticker and mug; stock added here is added to the baseline
	 * too.
	 */
	private void restockIfLow(FaultStack stack) {
		// A soak round places a few thousand orders of about two stickers each, and a
		// mug in one of four (CANCEL_CONFIRMED orders give theirs back).
		restockIfLow(stack, "STICKER-1", 10000, 20000);
		restockIfLow(stack, "MUG-001", 200, 1000);
	}

	private void restockIfLow(FaultStack stack, String sku, int low, int units) {
		JdbcTemplate consumer = new JdbcTemplate(stack.consumerDatabase());
		Integer available = consumer.queryForObject("SELECT available FROM stock WHERE sku = ?", Integer.class, sku);
		if (available != null && available < low) {
			consumer.update("UPDATE stock SET available = available + ? WHERE sku = ?", units, sku);
			this.stockBaseline.merge(sku, units, Integer::sum);
			note("restock", sku + " +" + units);
		}
	}

	/** A step of the run on the timeline, not a fault. */
	private synchronized void mark(String what) {
		String line = Duration.between(this.started, Instant.now()).toSeconds() + " s  " + what;
		this.timeline.add(line);
		log.info("{}", line);
	}

	private synchronized void note(String fault, String detail) {
		this.faults.merge(fault, 1, Integer::sum);
		String line = Duration.between(this.started, Instant.now()).toSeconds() + " s  " + fault + ": " + detail;
		this.timeline.add(line);
		log.info("fault: {}", line);
	}

	/**
	 * What only the client knows: every order it was told about exists exactly once, with
	 * the outcome its kind implies.
	 */
	private static List<String> clientViolations(List<ClientOrder> orders) {
		JdbcTemplate jdbc = new JdbcTemplate(stack.ordersDatabase());
		Map<String, String> statusById = new HashMap<>();
		Map<String, String> idByKey = new HashMap<>();
		jdbc.query("SELECT id, status, user_id, idempotency_key FROM orders", (row) -> {
			statusById.put(Long.toString(row.getLong(1)), row.getString(2));
			idByKey.put(row.getString(3) + "/" + row.getString(4), Long.toString(row.getLong(1)));
		});
		// Why each order was cancelled, and which were confirmed first.
		Map<String, String> cancelCause = new HashMap<>();
		Map<String, Boolean> wasConfirmed = new HashMap<>();
		jdbc.query("SELECT order_id, to_status, cause FROM order_history WHERE to_status IN ('CONFIRMED', 'CANCELLED')",
				(row) -> {
					String id = Long.toString(row.getLong(1));
					if ("CANCELLED".equals(row.getString(2))) {
						cancelCause.put(id, row.getString(3));
					}
					else {
						wasConfirmed.put(id, true);
					}
				});
		List<String> violations = new ArrayList<>();
		int accepted = 0;
		for (ClientOrder order : orders) {
			if (order.unexpected != null) {
				violations.add(order.kind + " " + order.key + ": " + order.unexpected);
			}
			String dbId = idByKey.get(order.userId + "/" + order.key);
			if (!order.accepted) {
				// Never answered (the client gave up, or the run stopped mid-retry): it
				// may or may not exist, but at most once, as the unique key guarantees.
				continue;
			}
			accepted++;
			if (order.ids.size() != 1) {
				violations.add(order.kind + " " + order.key + " was answered with several order ids " + order.ids);
				continue;
			}
			String id = order.ids.get(0);
			String status = statusById.get(id);
			if (status == null) {
				violations.add("LOST: " + order.kind + " order " + id + " was accepted but does not exist");
				continue;
			}
			if (!id.equals(dbId)) {
				violations.add(order.kind + " " + order.key + " is order " + dbId + " in the database, not " + id);
			}
			String expected = switch (order.kind) {
				case SHORT_STOCK, NO_FUNDS -> "CANCELLED";
				case USER_CANCEL, CANCEL_CONFIRMED -> order.cancelled ? "CANCELLED" : null;
				default -> null;
			};
			if (expected != null && !expected.equals(status)) {
				violations.add(order.kind + " order " + id + " is " + status + ", expected " + expected);
			}
			String cause = cancelCause.get(id);
			if (order.kind == Kind.SHORT_STOCK && cause != null && !cause.equals("INVENTORY_REJECTED")) {
				violations
					.add("SHORT_STOCK order " + id + " was cancelled with cause " + cause + ", not INVENTORY_REJECTED");
			}
			if (order.kind == Kind.NO_FUNDS && cause != null && !cause.endsWith("_REJECTED")) {
				violations.add("NO_FUNDS order " + id + " was cancelled with cause " + cause + ", not a rejection");
			}
			if (order.kind != Kind.NO_FUNDS && "PAYMENT_REJECTED".equals(cause)) {
				violations.add(order.kind + " order " + id + " of funded customer " + order.userId
						+ " was rejected by payment");
			}
			if (order.cancelledWhenConfirmed && !(wasConfirmed.containsKey(id) && "USER_CANCELLED".equals(cause))) {
				violations.add("CANCEL_CONFIRMED order " + id + " was read CONFIRMED and cancelled by its customer, "
						+ "but its history says confirmed " + wasConfirmed.containsKey(id) + ", cancelled " + cause);
			}
		}
		if (statusById.size() != accepted + (int) orders.stream()
			.filter((o) -> !o.accepted && idByKey.containsKey(o.userId + "/" + o.key))
			.count()) {
			violations.add("the database holds " + statusById.size() + " orders for " + accepted
					+ " accepted by the client: an order was placed twice or out of nowhere");
		}
		return violations;
	}

	/**
	 * What the topic shows of the local message tables, once quiet.
	 *
	 * @param orders orders in the database
	 * @param relayed orders whose OrderCreated a relay published (its transaction id is
	 * the relay's, not the order's)
	 * @param acceptedDuringOutages orders answered 201 while the broker was down
	 * @param relayedOfThose how many of those a relay published
	 * @param copies orders by the number of OrderCreated messages on the topic (the
	 * broker may store one transaction's message twice)
	 * @param killed each order whose relay was killed before it marked the row: what
	 * became of it
	 * @param violations an order never published, or a relayed one published twice
	 */
	record Relayed(int orders, int relayed, int acceptedDuringOutages, int relayedOfThose, Map<Integer, Integer> copies,
			List<String> killed, List<String> violations) {
	}

	/**
	 * Reads {@link #ORDER_TOPIC} from its start: every order's OrderCreated is there,
	 * each that a relay published exactly once; an order whose relay was killed between
	 * publishing and deleting its row was published by another relay, once, the killed
	 * relay's half message rolled back by the check-back, and applied by inventory and
	 * payment.
	 */
	private Relayed relayed(OrderLoad load) {
		Map<String, String> txByOrder = new HashMap<>();
		JdbcTemplate orders = new JdbcTemplate(stack.ordersDatabase());
		orders.query("SELECT id, tx_id FROM orders", (row) -> {
			txByOrder.put(Long.toString(row.getLong(1)), row.getString(2));
		});
		Map<String, List<String>> txIdsByOrder = new HashMap<>();
		try (TopicProbe topic = new TopicProbe(stack.nameServer(), ORDER_TOPIC)) {
			this.orderEvents = topic.readAll(Duration.ofSeconds(3));
			for (MessageExt message : this.orderEvents) {
				if ("OrderCreated".equals(message.getTags())) {
					txIdsByOrder.computeIfAbsent(message.getKeys(), (key) -> new ArrayList<>())
						.add(message.getUserProperty(TX_ID_PROPERTY));
				}
			}
		}
		List<String> violations = new ArrayList<>();
		Map<Integer, Integer> copies = new TreeMap<>();
		List<String> relayed = new ArrayList<>();
		txByOrder.forEach((order, txId) -> {
			List<String> published = txIdsByOrder.getOrDefault(order, List.of());
			copies.merge(published.size(), 1, Integer::sum);
			if (published.isEmpty()) {
				violations.add("order " + order + " is in the database but its OrderCreated is not on the topic");
			}
			else if (!published.contains(txId)) {
				relayed.add(order);
				// One transaction may show twice: the broker stores a half message again
				// when the producer's COMMIT and a check-back's both reach it (consumers
				// dedupe). Two transactions would be two publishes.
				if (new HashSet<>(published).size() > 1) {
					violations.add("order " + order + ": relays published its OrderCreated in "
							+ new HashSet<>(published).size() + " transactions " + published);
				}
			}
		});
		List<String> duringOutages = new ArrayList<>();
		this.outages.forEach((outage) -> load.placementsSentBetween(outage[0], outage[1])
			.stream()
			.filter((placement) -> placement.answer().equals("201"))
			.forEach((placement) -> duringOutages.add(placement.order().orderId())));
		List<String> killed = new ArrayList<>();
		for (String where : this.relayKills) {
			// "relay-before-mark OrderCreated <order> on order-events tx <relay's tx>"
			String[] words = where.split(" ");
			String order = words[2];
			String relayTx = words[words.length - 1];
			List<String> published = txIdsByOrder.getOrDefault(order, List.of());
			List<String> states = orders.queryForList("SELECT state FROM transaction_record WHERE tx_id = ?",
					String.class, relayTx);
			List<String> appliedBy = new JdbcTemplate(stack.consumerDatabase())
				.queryForList(
						"SELECT CONCAT(consumer_group, ' ', outcome) FROM consumed_message "
								+ "WHERE event_type = 'OrderCreated' AND message_key = ? ORDER BY 1",
						String.class, order);
			killed.add("order " + order + ": OrderCreated on the topic " + published.size()
					+ " time(s), killed relay's transaction " + states + ", applied " + appliedBy);
			if (new HashSet<>(published).size() != 1 || published.contains(relayTx)) {
				violations.add("order " + order + ", its relay killed before marking the row, is on the topic "
						+ published.size() + " time(s) (transactions " + published + ", the killed one " + relayTx
						+ ")");
			}
			if (!states.equals(List.of("ROLLED_BACK"))) {
				violations.add("order " + order + ": the killed relay's transaction " + relayTx + " is " + states
						+ ", not ROLLED_BACK by the check-back");
			}
			// A group that heard the order's cancel first (published while the killed
			// relay's lease held the OrderCreated back) skips the OrderCreated and keeps
			// no dedupe row for it: its effect row says CANCELLED.
			List<String> cancelledFirst = new JdbcTemplate(stack.consumerDatabase()).queryForList(
					"SELECT consumer_group FROM order_effect WHERE order_id = ? AND state = 'CANCELLED'", String.class,
					Long.parseLong(order));
			List<String> heard = new ArrayList<>(appliedBy.stream().map((applied) -> applied.split(" ")[0]).toList());
			heard.addAll(cancelledFirst);
			if (!heard.containsAll(TRY_GROUPS)) {
				violations.add("order " + order + ": its OrderCreated was applied by " + appliedBy
						+ " and skipped after a cancel by " + cancelledFirst + ", not by both " + TRY_GROUPS);
			}
		}
		this.relayedOrders = Set.copyOf(relayed);
		return new Relayed(txByOrder.size(), relayed.size(), duringOutages.size(),
				(int) duringOutages.stream().filter(relayed::contains).count(), copies, killed, violations);
	}

	/** payment's holds by status, once quiet. */
	private static Map<String, Integer> paymentHolds() {
		Map<String, Integer> holds = new TreeMap<>();
		new JdbcTemplate(stack.consumerDatabase()).query("SELECT status, COUNT(*) FROM payment_hold GROUP BY status",
				(row) -> {
					holds.put(row.getString(1), row.getInt(2));
				});
		return holds;
	}

	/** Orders by final status and, for CANCELLED, cause. */
	private static Map<String, Integer> outcomes() {
		Map<String, Integer> outcomes = new TreeMap<>();
		new JdbcTemplate(stack.ordersDatabase()).query("""
				SELECT o.status, COALESCE(h.cause, ''), COUNT(*) FROM orders o
				LEFT JOIN order_history h ON h.order_id = o.id AND h.to_status = 'CANCELLED'
				GROUP BY o.status, h.cause""", (row) -> {
			String cause = row.getString(2);
			outcomes.put(row.getString(1) + (cause.isEmpty() ? "" : " " + cause), row.getInt(3));
		});
		return outcomes;
	}

	/** Check-backs each standalone checkback process answered, from its metrics. */
	private static Map<String, Long> checkbacksAnswered() {
		HttpClient http = HttpClient.newHttpClient();
		Map<String, Long> answered = new LinkedHashMap<>();
		for (ServiceProcess checkback : stack.checkbacks) {
			URI uri = URI.create("http://127.0.0.1:" + checkback.port() + "/actuator/metrics/txorders.checkback");
			try {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
						HttpResponse.BodyHandlers.ofString());
				long count = 0;
				if (response.statusCode() == 200) {
					for (JsonNode measurement : json.readTree(response.body()).get("measurements")) {
						if (measurement.get("statistic").asString().equals("COUNT")) {
							count = (long) measurement.get("value").asDouble();
						}
					}
				}
				answered.put(checkback.name(), count);
			}
			catch (IOException | InterruptedException ex) {
				answered.put(checkback.name(), -1L);
			}
		}
		return answered;
	}

	private String summary(OrderLoad load, InvariantChecker.Quiet quiet, Report report, List<String> clientViolations,
			Map<String, Long> checkbacks, Map<String, Integer> holds, Relayed relayed, Webhooks webhooks,
			Instant loadEnded) {
		Map<Kind, Long> byKind = new TreeMap<>();
		load.orders().forEach((order) -> byKind.merge(order.kind, order.accepted ? 1L : 0L, Long::sum));
		StringBuilder text = new StringBuilder();
		text.append("== load\n");
		text.append("  orders accepted            ").append(load.accepted()).append(" ").append(byKind).append('\n');
		text.append("  outcomes                   ").append(outcomes()).append('\n');
		text.append("  cancelled when CONFIRMED   ").append(load.cancelledWhenConfirmed()).append('\n');
		text.append("  payment holds              ").append(holds).append('\n');
		text.append("  HTTP requests              ").append(load.requests()).append('\n');
		text.append("  retried after              ").append(load.retriesByCause()).append('\n');
		text.append("  duration                   ")
			.append(Duration.between(this.started, loadEnded).toSeconds())
			.append(" s, quiet ")
			.append(quiet)
			.append('\n');
		text.append("  check-backs answered by standalone checkback ").append(checkbacks).append('\n');
		text.append("  starts that failed and were retried ");
		text.append("infra=").append(stack.infraFailedStarts()).append(' ');
		stack.apps().forEach((app) -> text.append(app.name()).append('=').append(app.failedStarts()).append(' '));
		text.append('\n');
		text.append("== faults injected ").append(this.faults.values().stream().mapToInt(Integer::intValue).sum());
		text.append(" in ").append(this.rounds).append(this.rounds == 1 ? " round" : " rounds");
		text.append('\n');
		this.faults.forEach((fault, count) -> text.append("  ").append(count).append(" x ").append(fault).append('\n'));
		text.append("== timeline\n");
		this.timeline.forEach((line) -> text.append("  ").append(line).append('\n'));
		text.append("== client-side checks: ").append(clientViolations.size()).append(" violations\n");
		clientViolations.stream().limit(20).forEach((v) -> text.append("  ").append(v).append('\n'));
		text.append("== local message table\n");
		text.append("  ").append(outageLine(load)).append('\n');
		text.append("  answers while the broker was down ").append(outageAnswers(load)).append('\n');
		text.append("  orders published by a relay  ")
			.append(relayed.relayed())
			.append(" of ")
			.append(relayed.orders())
			.append(" (")
			.append(relayed.relayedOfThose())
			.append(" of the ")
			.append(relayed.acceptedDuringOutages())
			.append(" accepted while the broker was down)\n");
		text.append("  orders by OrderCreated messages on the topic ").append(relayed.copies()).append('\n');
		text.append("  POST /orders answered 503, by second of the run ").append(refusals(load)).append('\n');
		relayed.killed().forEach((k) -> text.append("  relay killed before marking: ").append(k).append('\n'));
		text.append("  violations ").append(relayed.violations().size()).append('\n');
		relayed.violations().stream().limit(20).forEach((v) -> text.append("    ").append(v).append('\n'));
		text.append("== webhooks\n");
		text.append("  ").append(webhooks.line()).append('\n');
		text.append("  notifications by status ").append(webhooks.byStatus()).append('\n');
		webhooks.killed().forEach((k) -> text.append("  killed before the answer: ").append(k).append('\n'));
		text.append("  violations ").append(webhooks.violations().size()).append('\n');
		webhooks.violations().stream().limit(20).forEach((v) -> text.append("    ").append(v).append('\n'));
		text.append(report);
		return text.toString();
	}

	/**
	 * A crash point of the kit, the detail ({@code txorders.faults.crash-filter}) a reach
	 * must start with to count, or null for any, and the settings (JVM arguments) of the
	 * start armed with it.
	 */
	record CrashPoint(String name, String filter, List<String> settings) {

		CrashPoint(String name, String filter) {
			this(name, filter, List.of());
		}

		CrashPoint(String name) {
			this(name, null);
		}

		@Override
		public String toString() {
			String text = (this.filter == null) ? this.name : this.name + " (" + this.filter + ")";
			return this.settings.isEmpty() ? text : text + " with " + String.join(" ", this.settings);
		}

	}

}
