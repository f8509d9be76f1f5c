package io.txorders.consumer.account;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.consumer.messaging.ConsumerServiceTest;
import io.txorders.testsupport.CustomerTokens;
import io.txorders.testsupport.LocalInfra;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Customers' accounts on the real database: a customer sees only their own account, by
 * their token; the admin sees any with its open holds and pays money in, once per
 * Idempotency-Key, within bounds, and the balance always equals the ledger's sum.
 */
@ConsumerServiceTest
class AccountsIT {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final CustomerTokens tokens = LocalInfra.shared().customerTokens();

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private Environment environment;

	@Autowired
	private MeterRegistry meters;

	@Test
	void theAccountNeedsACustomersToken() throws Exception {
		HttpResponse<String> none = send(HttpRequest.newBuilder(url("/accounts/me")));
		HttpResponse<String> foreign = send(HttpRequest.newBuilder(url("/accounts/me"))
			.header("Authorization", "Bearer "
					+ CustomerTokens.sign(tokens.claims("mallory").build(), new RSAKeyGenerator(2048).generate())));
		HttpResponse<String> admin = send(HttpRequest.newBuilder(url("/accounts/me"))
			.header("Authorization", basic(ConsumerServiceTest.ADMIN_USER, ConsumerServiceTest.ADMIN_PASSWORD)));

		for (HttpResponse<String> response : List.of(none, foreign, admin)) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.headers().firstValue("WWW-Authenticate"))
				.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Bearer"));
			assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(401);
		}
	}

	@Test
	void aCustomerWithoutAnAccountHasNothingYet() throws Exception {
		JsonNode account = me(newCustomer());

		assertThat(account.get("currency").asString()).isEqualTo("EUR");
		assertThat(money(account, "balance")).isZero();
		assertThat(money(account, "frozen")).isZero();
		assertThat(money(account, "available")).isZero();
		assertThat(account.get("movements").isEmpty()).isTrue();
		assertThat(account.has("holds")).as("holds are the admin's").isFalse();
	}

	@Test
	void aCustomerSeesOnlyTheirOwnAccount() throws Exception {
		String alice = newCustomer();
		String bob = newCustomer();

		assertThat(deposit(alice, "k-1", "{\"amount\":\"100.00\"}").statusCode()).isEqualTo(201);

		JsonNode aliceSees = me(alice);
		assertThat(aliceSees.get("customerId").asString()).isEqualTo(alice);
		assertThat(money(aliceSees, "balance")).isEqualByComparingTo("100.00");
		assertThat(money(aliceSees, "available")).isEqualByComparingTo("100.00");
		assertThat(aliceSees.get("movements")).hasSize(1);
		JsonNode movement = aliceSees.get("movements").get(0);
		assertThat(movement.get("type").asString()).isEqualTo("DEPOSIT");
		assertThat(money(movement, "amount")).isEqualByComparingTo("100.00");
		assertThat(movement.get("orderId").isNull()).isTrue();
		assertThat(movement.get("at").asString()).isNotBlank();
		JsonNode bobSees = me(bob);
		assertThat(bobSees.get("customerId").asString()).isEqualTo(bob);
		assertThat(money(bobSees, "balance")).isZero();
		assertThat(bobSees.get("movements").isEmpty()).isTrue();
	}

	@Test
	void aRepeatedIdempotencyKeyDepositsOnceAndAnswersTheSame() throws Exception {
		String customer = newCustomer();
		double before = depositsCounted();

		HttpResponse<String> first = deposit(customer, "pay-1", "{\"amount\":\"25.50\"}");
		HttpResponse<String> again = deposit(customer, "pay-1", "{\"amount\":25.5}");

		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		assertThat(first.headers().firstValue("Location")).hasValue("/admin/accounts/" + customer);
		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
		JsonNode firstBody = json.readTree(first.body());
		JsonNode againBody = json.readTree(again.body());
		for (String field : List.of("customerId", "idempotencyKey", "amount", "currency", "at", "balance")) {
			assertThat(againBody.get(field)).as(field).isEqualTo(firstBody.get(field));
		}
		assertThat(money(firstBody, "balance")).isEqualByComparingTo("25.50");
		assertThat(ledgerRows(customer)).isEqualTo(1);
		assertThat(balance(customer)).isEqualByComparingTo("25.50");
		await("the counter counts the first deposit only").atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(depositsCounted() - before).isEqualTo(1.0));
	}

	@Test
	void oneKeySentConcurrentlyDepositsOnce() throws Exception {
		String customer = newCustomer();
		List<Callable<Integer>> requests = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			requests.add(() -> deposit(customer, "same-key", "{\"amount\":\"10.00\"}").statusCode());
		}

		List<Integer> statuses = runAll(requests);

		assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
		assertThat(ledgerRows(customer)).isEqualTo(1);
		assertThat(balance(customer)).isEqualByComparingTo("10.00");
	}

	@Test
	void aKeyReusedForAnotherAmountIsAConflictNamingIt() throws Exception {
		String customer = newCustomer();
		deposit(customer, "reused-key", "{\"amount\":\"10.00\"}");

		HttpResponse<String> other = deposit(customer, "reused-key", "{\"amount\":\"20.00\"}");

		assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
		assertThat(other.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(json.readTree(other.body()).get("detail").asString()).contains("reused-key")
			.contains("10.00")
			.contains("20.00");
		assertThat(balance(customer)).isEqualByComparingTo("10.00");
		assertThat(ledgerRows(customer)).isEqualTo(1);
		assertThat(deposit(newCustomer(), "reused-key", "{\"amount\":\"20.00\"}").statusCode())
			.as("keys are per customer")
			.isEqualTo(201);
	}

	@Test
	void aDepositOutOfBoundsIsRefusedNamingTheFieldAndWritesNothing() throws Exception {
		String customer = newCustomer();
		Map<String, String> badBodies = Map.of("{\"amount\":\"0\"}", "amount", "{\"amount\":\"-5.00\"}", "amount",
				"{\"amount\":\"1.001\"}", "amount", "{\"amount\":\"1000000.01\"}", "amount", "{}", "amount",
				"{\"amount\":\"ten\"}", "amount", "{\"amount\":\"1.00\",\"currency\":\"eur\"}", "currency");
		for (Map.Entry<String, String> bad : badBodies.entrySet()) {
			assertRefused(deposit(customer, "bad-" + UUID.randomUUID(), bad.getKey()), bad.getValue());
		}
		assertRefused(deposit(customer, "with space", "{\"amount\":\"1.00\"}"), "Idempotency-Key");
		assertRefused(deposit(customer, "x".repeat(65), "{\"amount\":\"1.00\"}"), "Idempotency-Key");
		assertRefused(send(admin("/admin/accounts/" + customer + "/deposits").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"1.00\"}"))), "Idempotency-Key");
		assertRefused(deposit("not%20a%20customer", "k", "{\"amount\":\"1.00\"}"), "customer");
		assertRefused(send(admin("/admin/accounts/" + "x".repeat(65))), "customer");

		assertThat(ledgerRows(customer)).isZero();
		assertThat(
				this.jdbc.queryForObject("SELECT COUNT(*) FROM account WHERE customer_id = ?", Integer.class, customer))
			.isZero();
		assertThat(deposit(customer, "at-the-limit", "{\"amount\":\"1000000.00\"}").statusCode()).isEqualTo(201);
	}

	@Test
	void aDepositBeyondTheLargestBalanceIsRefusedAndRolledBack() throws Exception {
		String customer = newCustomer();
		// Seeded near the cap: a thousand of the largest deposits would add up to it.
		seedDeposit(customer, "seed", "999000000.00");
		assertThat(deposit(customer, "to-the-top", "{\"amount\":\"1000000.00\"}").statusCode()).isEqualTo(201);

		assertRefused(deposit(customer, "one-cent-too-many", "{\"amount\":\"0.01\"}"), "amount");

		assertThat(balance(customer)).isEqualByComparingTo("1000000000.00");
		assertThat(ledgerRows(customer)).isEqualTo(2);
	}

	@Test
	void aDepositInAnotherCurrencyThanTheAccountsIsAConflict() throws Exception {
		String customer = newCustomer();
		HttpResponse<String> opened = deposit(customer, "usd-1", "{\"amount\":\"5.00\",\"currency\":\"USD\"}");
		assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
		assertThat(json.readTree(opened.body()).get("currency").asString()).isEqualTo("USD");

		HttpResponse<String> euros = deposit(customer, "eur-1", "{\"amount\":\"5.00\",\"currency\":\"EUR\"}");

		assertThat(euros.statusCode()).as(euros.body()).isEqualTo(409);
		assertThat(json.readTree(euros.body()).get("detail").asString()).contains("USD").contains("EUR");
		assertThat(deposit(customer, "plain-2", "{\"amount\":\"1.00\"}").statusCode()).as("no currency: the account's")
			.isEqualTo(201);
		assertThat(balance(customer)).isEqualByComparingTo("6.00");
		assertThat(ledgerRows(customer)).isEqualTo(2);
		assertThat(me(customer).get("currency").asString()).isEqualTo("USD");
	}

	@Test
	void theAdminEndpointsNeedTheAdminCredentials() throws Exception {
		String customer = newCustomer();
		List<HttpRequest.Builder> requests = List.of(HttpRequest.newBuilder(url("/admin/accounts/" + customer)),
				HttpRequest.newBuilder(url("/admin/accounts/" + customer + "/deposits"))
					.header("Idempotency-Key", "k")
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"1.00\"}")));
		for (HttpRequest.Builder request : requests) {
			HttpResponse<String> none = send(request.copy());
			HttpResponse<String> wrong = send(
					request.copy().header("Authorization", basic(ConsumerServiceTest.ADMIN_USER, "wrong")));
			HttpResponse<String> customersToken = send(
					request.copy().header("Authorization", "Bearer " + tokens.forCustomer(customer)));
			for (HttpResponse<String> response : List.of(none, wrong, customersToken)) {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
			}
		}
		assertThat(ledgerRows(customer)).isZero();
	}

	@Test
	void theAdminSeesTheOpenHoldsAndTheLatestTwentyMovementsNewestFirst() throws Exception {
		String customer = newCustomer();
		for (int i = 1; i <= 22; i++) {
			assertThat(deposit(customer, "d-" + i, "{\"amount\":\"" + i + ".00\"}").statusCode()).isEqualTo(201);
		}
		long orderId = Math.abs(UUID.randomUUID().getMostSignificantBits() >> 1);
		freeze(customer, orderId, "30.00");

		JsonNode account = json.readTree(send(admin("/admin/accounts/" + customer)).body());

		assertThat(money(account, "balance")).isEqualByComparingTo("253.00");
		assertThat(money(account, "frozen")).isEqualByComparingTo("30.00");
		assertThat(money(account, "available")).isEqualByComparingTo("223.00");
		assertThat(account.get("holds")).hasSize(1);
		assertThat(account.get("holds").get(0).get("orderId").asString()).isEqualTo(Long.toString(orderId));
		assertThat(money(account.get("holds").get(0), "amount")).isEqualByComparingTo("30.00");
		JsonNode movements = account.get("movements");
		assertThat(movements).hasSize(20);
		assertThat(movements.get(0).get("type").asString()).isEqualTo("FREEZE");
		assertThat(movements.get(0).get("orderId").asString()).isEqualTo(Long.toString(orderId));
		assertThat(money(movements.get(1), "amount")).isEqualByComparingTo("22.00");
		assertThat(money(movements.get(19), "amount")).isEqualByComparingTo("4.00");
		JsonNode customerSees = me(customer);
		assertThat(customerSees.has("holds")).isFalse();
		assertThat(money(customerSees, "frozen")).isEqualByComparingTo("30.00");
	}

	@Test
	void everyBalanceIsTheSumOfItsLedgerAfterConcurrentDeposits() throws Exception {
		List<String> customers = List.of(newCustomer(), newCustomer(), newCustomer());
		List<Callable<Integer>> requests = new ArrayList<>();
		for (String customer : customers) {
			for (int i = 0; i < 6; i++) {
				String key = "c-" + i;
				// Each key twice: a first deposit and a repeat, racing the others.
				requests.add(() -> deposit(customer, key, "{\"amount\":\"1.25\"}").statusCode());
				requests.add(() -> deposit(customer, key, "{\"amount\":\"1.25\"}").statusCode());
			}
		}

		List<Integer> statuses = runAll(requests);

		assertThat(statuses).containsOnly(200, 201);
		assertThat(statuses.stream().filter((status) -> status == 201)).hasSize(18);
		for (String customer : customers) {
			assertThat(balance(customer)).as(customer).isEqualByComparingTo("7.50");
			assertThat(ledgerRows(customer)).as(customer).isEqualTo(6);
		}
		assertThat(this.jdbc.queryForList("""
				SELECT a.customer_id FROM account a
				LEFT JOIN (SELECT customer_id, SUM(balance_change) AS balance, SUM(frozen_change) AS frozen
				           FROM account_ledger GROUP BY customer_id) l ON l.customer_id = a.customer_id
				WHERE l.customer_id IS NULL OR a.balance <> l.balance OR a.frozen <> l.frozen
				""", String.class)).as("accounts whose balance or frozen is not their ledger's sum").isEmpty();
	}

	private static void assertRefused(HttpResponse<String> response, String field) throws Exception {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("errors").valueStream().map((error) -> error.get("field").asString()))
			.as(response.body())
			.contains(field);
	}

	private JsonNode me(String customer) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(url("/accounts/me"))
			.header("Authorization", "Bearer " + tokens.forCustomer(customer)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private HttpResponse<String> deposit(String customer, String key, String body) throws Exception {
		return send(admin("/admin/accounts/" + customer + "/deposits").header("Idempotency-Key", key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/** A deposit written straight into the database, as the service writes one. */
	private void seedDeposit(String customer, String key, String amount) {
		this.jdbc.update(
				"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, "
						+ "deposit_key, created_at) VALUES (?, 'DEPOSIT', ?, ?, 0, ?, CURRENT_TIMESTAMP(3))",
				customer, new BigDecimal(amount), new BigDecimal(amount), key);
		this.jdbc.update(
				"INSERT INTO account (customer_id, currency, balance, frozen, created_at, updated_at) "
						+ "VALUES (?, 'EUR', ?, 0, CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3)) "
						+ "ON DUPLICATE KEY UPDATE balance = balance + ?",
				customer, new BigDecimal(amount), new BigDecimal(amount));
	}

	/** A hold as payment's Try writes it: the hold, its FREEZE row, the frozen part. */
	private void freeze(String customer, long orderId, String amount) {
		BigDecimal money = new BigDecimal(amount);
		this.jdbc.update(
				"INSERT INTO payment_hold (order_id, customer_id, amount, currency, status, created_at, "
						+ "updated_at) VALUES (?, ?, ?, 'EUR', 'FROZEN', CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))",
				orderId, customer, money);
		this.jdbc.update(
				"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, "
						+ "order_id, created_at) VALUES (?, 'FREEZE', ?, 0, ?, ?, CURRENT_TIMESTAMP(3))",
				customer, money, money, orderId);
		this.jdbc.update("UPDATE account SET frozen = frozen + ? WHERE customer_id = ?", money, customer);
	}

	private int ledgerRows(String customer) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM account_ledger WHERE customer_id = ?", Integer.class,
				customer);
	}

	private BigDecimal balance(String customer) {
		return this.jdbc.queryForObject("SELECT balance FROM account WHERE customer_id = ?", BigDecimal.class,
				customer);
	}

	private double depositsCounted() {
		return this.meters.counter(Deposits.DEPOSITS).count();
	}

	private static List<Integer> runAll(List<Callable<Integer>> requests) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> status : pool.invokeAll(requests)) {
				statuses.add(status.get());
			}
			return statuses;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private HttpRequest.Builder admin(String path) {
		return HttpRequest.newBuilder(url(path))
			.header("Authorization", basic(ConsumerServiceTest.ADMIN_USER, ConsumerServiceTest.ADMIN_PASSWORD));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port") + path);
	}

	private static BigDecimal money(JsonNode node, String field) {
		return node.get(field).decimalValue();
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static String newCustomer() {
		return "acc-" + UUID.randomUUID().toString().substring(0, 13);
	}

}
