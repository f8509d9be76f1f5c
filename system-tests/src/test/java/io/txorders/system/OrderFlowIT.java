package io.txorders.system;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.txorders.testsupport.Accounts;
import io.txorders.testsupport.CustomerTokens;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.RawPublisher;
import io.txorders.testsupport.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole saga, every part a separate process: orders end CONFIRMED or CANCELLED, each
 * consumer group applies each effect exactly once, and every cancelled order is
 * compensated. An order is CONFIRMED only when inventory reserved and payment froze its
 * total; the customers here are funded first, straight into the consumer database. After
 * each scenario the databases must reconcile, and no event may wait in a local message
 * table. {@link OrderFlowOutboxOnlyIT} runs it all again in outbox-only mode.
 */
@TestInstance(Lifecycle.PER_CLASS)
@Order(1)
class OrderFlowIT {

	private static final Duration SETTLE = Duration.ofSeconds(90);

	/** What each customer here starts with: more than any single order costs. */
	private static final BigDecimal FUNDS = new BigDecimal("5000.00");

	private static final List<String> CUSTOMERS = List.of("u-confirm", "u-short", "u-cancel", "u-race-0", "u-race-1",
			"u-race-2", "u-race-3", "u-merchant");

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	LocalStackProcess stack;

	private JdbcTemplate consumer;

	private CustomerTokens tokens;

	/** Who placed each order: the customer whose token reads and cancels it. */
	private final Map<Long, String> owners = new ConcurrentHashMap<>();

	/** Orders placed (201) by the test that runs. */
	final AtomicInteger placed = new AtomicInteger();

	/** Every app's Prometheus scrape once healthy, all three concatenated. */
	private String scrapesAtStart;

	/**
	 * What every app of the stack inherits on top of the local stack's defaults: nothing
	 * here, the default outbox mode (FALLBACK).
	 */
	Map<String, String> environment() {
		return Map.of();
	}

	@BeforeAll
	void startStack() throws Exception {
		// The default stack is shared with RelayOrderingsIT; other settings get one.
		stack = environment().isEmpty() ? LocalStackProcess.shared()
				: LocalStackProcess.start(getClass().getSimpleName(), environment());
		tokens = CustomerTokens.of(stack.ready());
		consumer = new JdbcTemplate(stack.consumerDatabase());
		Accounts.deposit(stack.consumerDatabase(), CUSTOMERS, FUNDS, "order-flow-it");
		scrapesAtStart = stack.scrapesAtStart();
	}

	@AfterAll
	void stopStack() {
		if (stack != null && !stack.isShared()) {
			stack.close();
		}
	}

	@BeforeEach
	void countOrdersAnew() {
		this.placed.set(0);
	}

	/**
	 * Once quiet, no event waits in either database's local message table, and the
	 * databases reconcile.
	 */
	@AfterEach
	void everythingReconciles() {
		for (URI app : List.of(stack.producer(), stack.consumer())) {
			await("nothing left in " + app + "'s local message table").atMost(SETTLE)
				.until(() -> new OutboxAdmin(app).pending() == 0);
		}
		JsonNode report = json
			.readTree(send(HttpRequest.newBuilder(stack.producer().resolve("/admin/api/reconciliation"))
				.header("Authorization", LocalStackProcess.adminAuthorization())
				.GET()).body());
		assertThat(report.get("violations").valueStream().map(JsonNode::asString).toList()).isEmpty();
		assertThat(report.get("reconciled").asBoolean()).isTrue();
	}

	@Test
	void anOrderWithStockAndFundsIsConfirmedSoldCapturedAndCreditedExactlyOnce() throws Exception {
		int stockBefore = available("BOOK-002");
		BigDecimal balanceBefore = Accounts.balance(stack.consumerDatabase(), "u-confirm");

		long orderId = place("u-confirm", "BOOK-002", 2);

		awaitStatus(orderId, "CONFIRMED");
		assertThat(consumer.queryForList(
				"SELECT consumer_group FROM consumed_message WHERE event_type = 'OrderCreated' AND message_key = ? "
						+ "ORDER BY consumer_group",
				String.class, Long.toString(orderId)))
			.as("confirmed only after both Try steps")
			.containsExactly("inventory", "payment");
		await("inventory, payment and points applied the confirmation").atMost(SETTLE)
			.until(() -> consumer.queryForObject(
					"SELECT COUNT(*) FROM consumed_message WHERE event_type = 'OrderConfirmed' AND message_key = ?",
					Integer.class, Long.toString(orderId)) == 3);
		assertThat(consumer.queryForList("SELECT status FROM reservation WHERE order_id = ? AND sku = 'BOOK-002'",
				String.class, orderId))
			.containsExactly("SOLD");
		assertThat(available("BOOK-002")).isEqualTo(stockBefore - 2);
		// 2 x 44.50, the demo catalog's price
		assertThat(points(orderId)).containsExactly(89);
		assertThat(hold(orderId)).containsExactly("CAPTURED 89.00");
		assertThat(Accounts.balance(stack.consumerDatabase(), "u-confirm"))
			.isEqualByComparingTo(balanceBefore.subtract(new BigDecimal("89.00")));
		JsonNode history = get(orderId, "/orders/" + orderId).get("history");
		assertThat(history.get(1).get("to").asString()).isEqualTo("CONFIRMED");
		assertThat(history.get(1).get("cause").asString()).isEqualTo("ALL_RESERVED");
	}

	@Test
	void anOrderInventoryRejectsIsCancelledWithNoPointsAndNothingKept() throws Exception {
		int stockBefore = available("TSHIRT-M");
		BigDecimal balanceBefore = Accounts.balance(stack.consumerDatabase(), "u-short");

		long orderId = place("u-short", "TSHIRT-M", 51);

		awaitStatus(orderId, "CANCELLED");
		assertThat(get(orderId, "/orders/" + orderId).get("history").get(1).get("cause").asString())
			.isEqualTo("INVENTORY_REJECTED");
		await("every group applied the cancel").atMost(SETTLE)
			.until(() -> consumer.queryForObject(
					"SELECT COUNT(*) FROM consumed_message WHERE event_type = 'OrderCancelled' AND message_key = ?",
					Integer.class, Long.toString(orderId)) == 3);
		// Never confirmed: never credited. Payment froze 51 x 19.99 and unfroze it, or
		// skipped its Try after the cancel.
		assertThat(points(orderId)).isEmpty();
		assertThat(hold(orderId)).isSubsetOf("RELEASED 1019.49");
		assertThat(
				consumer.queryForObject("SELECT frozen FROM account WHERE customer_id = 'u-short'", BigDecimal.class))
			.isZero();
		assertThat(Accounts.balance(stack.consumerDatabase(), "u-short")).isEqualByComparingTo(balanceBefore);
		assertThat(available("TSHIRT-M")).isEqualTo(stockBefore);
	}

	@Test
	void aUserCancelOfAConfirmedOrderIsCompensatedOnceEvenIfDeliveredTwice() throws Exception {
		int stockBefore = available("MUG-001");
		BigDecimal balanceBefore = Accounts.balance(stack.consumerDatabase(), "u-cancel");
		long orderId = place("u-cancel", "MUG-001", 3);
		awaitStatus(orderId, "CONFIRMED");
		await("sold, captured and credited").atMost(SETTLE)
			.until(() -> points(orderId).size() == 1 && hold(orderId).equals(List.of("CAPTURED 36.00")));
		double duplicatesBefore = duplicateCancels();

		HttpResponse<String> cancelled = post(owners.get(orderId), "/orders/" + orderId + "/cancel", "");
		assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
		assertThat(json.readTree(cancelled.body()).get("status").asString()).isEqualTo("CANCELLED");
		publishDuplicateCancel(orderId);

		await("restocked, refunded and points reversed").atMost(SETTLE)
			.until(() -> points(orderId).size() == 2 && available("MUG-001") == stockBefore
					&& hold(orderId).equals(List.of("REFUNDED 36.00")));
		await("the duplicate reached every group and was ignored").atMost(SETTLE)
			.until(() -> duplicateCancels() >= duplicatesBefore + 3);
		assertThat(points(orderId)).containsExactly(36, -36); // 3 x 12.00
		assertThat(available("MUG-001")).isEqualTo(stockBefore);
		assertThat(consumer.queryForList("SELECT status FROM reservation WHERE order_id = ?", String.class, orderId))
			.containsExactly("RESTOCKED");
		assertThat(Accounts.balance(stack.consumerDatabase(), "u-cancel")).isEqualByComparingTo(balanceBefore);
		assertThat(consumer.queryForList("SELECT entry_type FROM account_ledger WHERE order_id = ? ORDER BY entry_type",
				String.class, orderId))
			.as("each movement once")
			.containsExactly("CAPTURE", "FREEZE", "REFUND");

		HttpResponse<String> again = post(owners.get(orderId), "/orders/" + orderId + "/cancel", "");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(json.readTree(again.body()).get("orderStatus").asString()).isEqualTo("CANCELLED");
	}

	/**
	 * An alert or a panel on a series that does not exist yet stays silent until the
	 * first event: every series they name is scraped, at zero, before the first order.
	 */
	@Test
	void everySeriesTheAlertsAndTheDashboardNameIsScrapedBeforeTheFirstOrder() throws Exception {
		Path root = LocalInfra.repositoryRoot();
		Set<String> named = new TreeSet<>();
		for (Path file : List.of(root.resolve("deploy/compose/prometheus/alerts.yml"),
				root.resolve("deploy/compose/grafana/dashboards/txorders.json"))) {
			Matcher series = Pattern.compile("\\btxorders_[a-z0-9_]+").matcher(Files.readString(file));
			while (series.find()) {
				named.add(series.group());
			}
		}

		assertThat(named).isNotEmpty()
			.allSatisfy((series) -> assertThat(scrapesAtStart).as("scraped at start")
				.containsPattern("(?m)^" + series + "(\\{| )"));
	}

	@Test
	void ordersRacingForTheLastUnitConfirmExactlyOne() {
		List<CompletableFuture<Long>> racing = IntStream.range(0, 4)
			.mapToObj(i -> CompletableFuture.supplyAsync(() -> place("u-race-" + i, "LAST-ONE", 1)))
			.toList();
		List<Long> ids = racing.stream().map(CompletableFuture::join).toList();

		await("every racing order settled").atMost(SETTLE)
			.until(() -> ids.stream().map(this::status).allMatch(s -> !s.equals("CREATED")));
		assertThat(ids.stream().map(this::status).filter("CONFIRMED"::equals)).hasSize(1);
		assertThat(available("LAST-ONE")).isZero();
		// Only the winner is credited: 250, LAST-ONE's price in the demo catalog. The
		// losers, rejected by inventory, were never confirmed, so never credited.
		await("the winner credited").atMost(SETTLE)
			.until(() -> ids.stream()
				.mapToInt(id -> points(id).stream().mapToInt(Integer::intValue).sum())
				.sum() == 250);
		assertThat(ids.stream().filter((id) -> status(id).equals("CANCELLED")).map(this::points)).hasSize(3)
			.allSatisfy((points) -> assertThat(points).isEmpty());
	}

	/**
	 * The walkthrough on the stack as the README runs it: no money, no order; a deposit,
	 * an order paid and confirmed; a cancel, a refund.
	 */
	@Test
	void aCustomerWithoutMoneyIsRefusedAndOneWhoDepositedPaysAndIsRefundedOnCancel() {
		String customer = "u-pays-" + UUID.randomUUID().toString().substring(0, 8);

		long refused = place(customer, "NOTEBOOK-A5", 1);
		awaitStatus(refused, "CANCELLED");
		assertThat(causes(refused)).containsExactly("ORDER_PLACED", "PAYMENT_REJECTED");
		assertThat(money(customer)).as("balance, frozen").containsExactly("0.00", "0.00");

		HttpResponse<String> deposited = deposit(customer, "100.00", "deposit-" + customer);
		assertThat(deposited.statusCode()).as(deposited.body()).isEqualTo(201);
		assertThat(deposit(customer, "100.00", "deposit-" + customer).statusCode()).as("the same key deposits once")
			.isEqualTo(200);
		long paid = place(customer, "NOTEBOOK-A5", 1);
		awaitStatus(paid, "CONFIRMED");
		await("12.50 captured").atMost(SETTLE).until(() -> money(customer).equals(List.of("87.50", "0.00")));

		HttpResponse<String> cancelled = post(customer, "/orders/" + paid + "/cancel", "");
		assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
		await("refunded").atMost(SETTLE).until(() -> money(customer).equals(List.of("100.00", "0.00")));
		assertThat(consumer.queryForList("SELECT entry_type FROM account_ledger WHERE customer_id = ? ORDER BY id",
				String.class, customer))
			.containsExactly("DEPOSIT", "FREEZE", "CAPTURE", "REFUND");
	}

	/**
	 * Payment's group stopped on the broker, as an operator would: the order hears from
	 * inventory only, is cancelled TIMED_OUT after the local stack's timeout (10 s) and a
	 * sweep (every 2 s), and its reservation is released. Restarted, payment settles what
	 * waited for it and holds nothing.
	 */
	@Test
	void anOrderWhosePaymentNeverRepliesTimesOutAndReleasesItsStock() {
		String customer = "u-timeout-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(deposit(customer, "50.00", "deposit-" + customer).statusCode()).isEqualTo(201);
		int stockBefore = available("NOTEBOOK-A5");
		BrokerGroups.setConsumeEnabled(stack.nameServer(), "payment", false);
		long orderId;
		try {
			long placedAt = System.nanoTime();
			orderId = place(customer, "NOTEBOOK-A5", 2);
			await("reserved by inventory").atMost(SETTLE).until(() -> available("NOTEBOOK-A5") == stockBefore - 2);
			awaitStatus(orderId, "CANCELLED");
			System.out.printf("order %d: CANCELLED %d ms after it was placed%n", orderId,
					Duration.ofNanos(System.nanoTime() - placedAt).toMillis());
			assertThat(causes(orderId)).containsExactly("ORDER_PLACED", "TIMED_OUT");
			await("the reservation released").atMost(SETTLE).until(() -> available("NOTEBOOK-A5") == stockBefore);
			assertThat(
					consumer.queryForList("SELECT status FROM reservation WHERE order_id = ?", String.class, orderId))
				.containsExactly("RELEASED");
		}
		finally {
			BrokerGroups.setConsumeEnabled(stack.nameServer(), "payment", true);
		}
		long timedOut = orderId;
		await("payment, restarted, settles what waited for it").atMost(SETTLE)
			.until(() -> consumer
				.queryForList("SELECT state FROM order_effect WHERE consumer_group = 'payment' AND order_id = ?",
						String.class, timedOut)
				.stream()
				.anyMatch((state) -> state.equals("CANCELLED") || state.equals("COMPENSATED")));
		await("nothing frozen").atMost(SETTLE).until(() -> money(customer).equals(List.of("50.00", "0.00")));
	}

	/**
	 * The walkthrough: a merchant's receiver on 127.0.0.1, registered through the
	 * admin API, answers 500 twice and then 200: it gets three signed POSTs of the
	 * confirmation with one webhook-id, spaced by the local stack's schedule (2 s, 5 s),
	 * and the admin API shows the notification DELIVERED with three attempts. A URL the
	 * rules refuse is a 400 naming why, and registers nothing.
	 */
	@Test
	void aMerchantsReceiverThatFailsTwiceHearsTheConfirmationThreeTimesWithOneWebhookId() throws Exception {
		assumeTrue(environment().isEmpty(),
				"webhooks do not depend on the outbox mode: OrderFlowIT walks through them");
		assertThat(registerWebhook("{\"url\":\"http://169.254.169.254/latest/meta-data\"}").statusCode())
			.isEqualTo(400);
		HttpResponse<String> refused = registerWebhook("{\"url\":\"gopher://127.0.0.1/\"}");
		assertThat(json.readTree(refused.body()).get("detail").asString())
			.isEqualTo("url: must be http or https, was gopher");
		HttpResponse<String> unknownEvent = registerWebhook(
				"{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"order.shipped\"]}");
		assertThat(unknownEvent.statusCode()).isEqualTo(400);
		assertThat(json.readTree(unknownEvent.body()).get("detail").asString()).startsWith("events[0]: one of");
		assertThat(json.readTree(webhooksAdmin("").body()).get("endpoints").size()).as("nothing registered").isZero();

		try (WebhookReceiver receiver = WebhookReceiver.answering(500, 500)) {
			HttpResponse<String> registered = registerWebhook("{\"url\":\"" + receiver.url()
					+ "\",\"events\":[\"order.confirmed\"],\"description\":\"order-flow-it merchant\"}");
			assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
			JsonNode endpoint = json.readTree(registered.body());
			String secret = endpoint.get("secret").asString();
			long endpointId = endpoint.get("id").asLong();
			try {
				long orderId = place("u-merchant", "BOOK-001", 1);
				awaitStatus(orderId, "CONFIRMED");
				await("three POSTs of the confirmation").atMost(SETTLE)
					.until(() -> receiver.about(Long.toString(orderId)).size() >= 3);

				List<WebhookReceiver.Received> posts = receiver.about(Long.toString(orderId));
				assertThat(posts).hasSize(3);
				assertThat(posts).extracting(WebhookReceiver.Received::webhookId)
					.containsOnly(posts.get(0).webhookId());
				assertThat(posts).allMatch((post) -> post.signedWith(secret));
				assertThat(Duration.between(posts.get(0).at(), posts.get(1).at()))
					.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
				assertThat(Duration.between(posts.get(1).at(), posts.get(2).at()))
					.isGreaterThanOrEqualTo(Duration.ofMillis(4900));
				JsonNode event = json.readTree(posts.get(2).body());
				assertThat(event.get("type").asString()).isEqualTo("order.confirmed");
				assertThat(event.get("data").get("status").asString()).isEqualTo("CONFIRMED");

				await("the admin API shows it delivered").atMost(SETTLE)
					.until(() -> "DELIVERED".equals(notificationOf(endpointId, orderId).get("status").asString()));
				JsonNode notification = notificationOf(endpointId, orderId);
				assertThat(notification.get("webhookId").asString()).isEqualTo(posts.get(0).webhookId());
				assertThat(notification.get("attempts").asInt()).isEqualTo(3);
				assertThat(
						notification.get("attemptLog").valueStream().map((a) -> a.get("outcome").asString()).toList())
					.containsExactly("REFUSED", "REFUSED", "DELIVERED");
			}
			finally {
				assertThat(send(HttpRequest.newBuilder(stack.producer().resolve("/admin/api/webhooks/" + endpointId))
					.header("Authorization", LocalStackProcess.adminAuthorization())
					.DELETE()).statusCode()).isEqualTo(204);
			}
		}
	}

	private HttpResponse<String> registerWebhook(String body) {
		return send(HttpRequest.newBuilder(stack.producer().resolve("/admin/api/webhooks"))
			.header("Authorization", LocalStackProcess.adminAuthorization())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> webhooksAdmin(String path) {
		return send(HttpRequest.newBuilder(stack.producer().resolve("/admin/api/webhooks" + path))
			.header("Authorization", LocalStackProcess.adminAuthorization())
			.GET());
	}

	/** The endpoint's notification of the order, as the admin API shows it. */
	private JsonNode notificationOf(long endpointId, long orderId) {
		return json.readTree(webhooksAdmin("/" + endpointId + "/notifications").body())
			.valueStream()
			.filter((notification) -> notification.get("orderId").asString().equals(Long.toString(orderId)))
			.findFirst()
			.orElseThrow();
	}

	private long place(String userId, String sku, int quantity) {
		HttpResponse<String> placed = post(userId, "/orders", """
				{"items":[{"sku":"%s","quantity":%d}]}
				""".formatted(sku, quantity));
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		long orderId = Long.parseLong(json.readTree(placed.body()).get("orderId").asString());
		owners.put(orderId, userId);
		this.placed.incrementAndGet();
		return orderId;
	}

	private void awaitStatus(long orderId, String status) {
		await("order " + orderId + " " + status).atMost(SETTLE).until(() -> status(orderId).equals(status));
	}

	private String status(long orderId) {
		return get(orderId, "/orders/" + orderId).get("status").asString();
	}

	private List<Integer> points(long orderId) {
		return consumer.queryForList("SELECT points FROM points_ledger WHERE order_id = ? ORDER BY id", Integer.class,
				orderId);
	}

	/** payment's hold for the order, as "STATUS amount", if it froze one. */
	private List<String> hold(long orderId) {
		return consumer.queryForList("SELECT CONCAT(status, ' ', amount) FROM payment_hold WHERE order_id = ?",
				String.class, orderId);
	}

	private int available(String sku) {
		return consumer.queryForObject("SELECT available FROM stock WHERE sku = ?", Integer.class, sku);
	}

	/** OrderCancelled messages the consumer groups acknowledged as already applied. */
	private double duplicateCancels() {
		JsonNode metric = json.readTree(send(HttpRequest
			.newBuilder(stack.consumer()
				.resolve("/actuator/metrics/txorders.consumer.messages?tag=event:OrderCancelled&tag=outcome:DUPLICATE"))
			.GET()).body());
		return (metric.get("measurements") == null) ? 0 : metric.get("measurements").get(0).get("value").asDouble();
	}

	/**
	 * The same OrderCancelled a second time, with the same key, as a broker may deliver
	 * it.
	 */
	private void publishDuplicateCancel(long orderId) {
		try (RawPublisher publisher = new RawPublisher(stack.nameServer(), "system-test-duplicates")) {
			publisher.publish("order-events", "OrderCancelled", Long.toString(orderId), "{\"orderId\":\"" + orderId
					+ "\",\"userId\":\"u-cancel\",\"cause\":\"USER_CANCELLED\",\"cancelledAt\":\"2026-11-23T10:00:00Z\"}");
		}
	}

	/** GET as the customer who placed {@code orderId}. */
	private JsonNode get(long orderId, String path) {
		return json.readTree(send(HttpRequest.newBuilder(stack.producer().resolve(path))
			.header("Authorization", "Bearer " + tokens.forCustomer(owners.get(orderId)))
			.GET()).body());
	}

	private HttpResponse<String> post(String customer, String path, String body) {
		return send(HttpRequest.newBuilder(stack.producer().resolve(path))
			.header("Authorization", "Bearer " + tokens.forCustomer(customer))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "system-" + UUID.randomUUID())
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

	/** The order's history causes, as its customer reads them. */
	private List<String> causes(long orderId) {
		return get(orderId, "/orders/" + orderId).get("history")
			.valueStream()
			.map((entry) -> entry.get("cause").asString())
			.toList();
	}

	/** Balance and frozen, as the customer reads them at {@code GET /accounts/me}. */
	private List<String> money(String customer) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(stack.consumer().resolve("/accounts/me"))
			.header("Authorization", "Bearer " + tokens.forCustomer(customer))
			.GET());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode account = json.readTree(response.body());
		return List.of(account.get("balance").decimalValue().setScale(2).toPlainString(),
				account.get("frozen").decimalValue().setScale(2).toPlainString());
	}

	/** The admin's deposit. */
	private HttpResponse<String> deposit(String customer, String amount, String key) {
		return send(HttpRequest.newBuilder(stack.consumer().resolve("/admin/accounts/" + customer + "/deposits"))
			.header("Authorization", LocalStackProcess.adminAuthorization())
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"" + amount + "\"}")));
	}

}
