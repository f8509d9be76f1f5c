package io.txorders.system;

import java.io.File;
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
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.txorders.testsupport.WebhookReceiver;
import io.txorders.testsupport.Accounts;
import io.txorders.testsupport.CustomerTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The admin surface against the running local stack: its API refuses missing or wrong
 * credentials, and the page, in Debian's headless Chromium, signs in, shows the order
 * just placed, the reconciliation and each consumer group's dead letters, redrives, shows
 * a customer's account and deposits into it, steers both apps' local message tables from
 * the Outbox section, and registers, follows, rotates and disables a webhook endpoint in
 * the Webhooks section, and reads both apps' half messages. The screenshot is kept as
 * {@code system-tests/target/admin-page.png}.
 * <p>
 * It runs on the shared stack, the last of the classes that use it, after them: it leaves
 * a disabled webhook endpoint behind, and its reconciliation checks what they left.
 */
@Order(4)
class AdminPageIT {

	private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

	private static final Path SCREENSHOT = Paths.get("target", "admin-page.png");

	private static final Path FAILED_SCREENSHOT = Paths.get("target", "admin-page-failed.png");

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static LocalStackProcess stack;

	/** The customer who places this test's orders. */
	private static final String CUSTOMER = "u-admin";

	@BeforeAll
	static void startStack() throws Exception {
		stack = LocalStackProcess.shared();
		// An order is confirmed only when payment could freeze its total.
		Accounts.deposit(stack.consumerDatabase(), List.of(CUSTOMER), new BigDecimal("1000.00"), "admin-page-it");
	}

	@Test
	void theAdminApiRefusesMissingOrWrongCredentials() throws Exception {
		HttpResponse<String> none = send(stack.producer(), "/admin/api/transactions", null);
		HttpResponse<String> wrong = send(stack.producer(), "/admin/api/transactions",
				LocalStackProcess.basic(LocalStackProcess.ADMIN_USER, "not-the-password"));
		HttpResponse<String> consumerNone = send(stack.consumer(), "/admin/dead-letters/inventory", null);

		for (HttpResponse<String> refused : List.of(none, wrong, consumerNone)) {
			assertThat(refused.statusCode()).as(refused.uri().toString()).isEqualTo(401);
			assertThat(refused.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(json.readTree(refused.body()).get("status").asInt()).isEqualTo(401);
			assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"txorders admin\"");
		}
		HttpResponse<String> allowed = send(stack.producer(), "/admin/api/transactions",
				LocalStackProcess.adminAuthorization());
		assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
		assertThat(json.readTree(allowed.body()).has("inFlight")).isTrue();
		HttpResponse<String> reconciled = send(stack.producer(), "/admin/api/reconciliation",
				LocalStackProcess.adminAuthorization());
		assertThat(reconciled.statusCode()).as(reconciled.body()).isEqualTo(200);
		assertThat(json.readTree(reconciled.body()).has("reconciled")).isTrue();
		assertThat(send(stack.producer(), "/actuator/health", null).statusCode()).as("health stays open")
			.isEqualTo(200);
		HttpResponse<String> accountNone = send(stack.producer(), "/admin/api/accounts/u-admin", null);
		assertThat(accountNone.statusCode()).as(accountNone.body()).isEqualTo(401);
		HttpResponse<String> webhooksNone = send(stack.producer(), "/admin/api/webhooks", null);
		assertThat(webhooksNone.statusCode()).as(webhooksNone.body()).isEqualTo(401);
	}

	@Test
	void bothAppsLocalMessageTablesAreOnTheAdminApiConsumersThroughProducerService() throws Exception {
		for (String path : List.of("/admin/api/outbox", "/admin/api/consumer/outbox")) {
			HttpResponse<String> outbox = send(stack.producer(), path, LocalStackProcess.adminAuthorization());
			assertThat(outbox.statusCode()).as(path + ": " + outbox.body()).isEqualTo(200);
			JsonNode view = json.readTree(outbox.body());
			assertThat(view.get("mode").asString()).as(path).isEqualTo("FALLBACK");
			assertThat(view.get("relay").asBoolean()).as(path + " relay").isTrue();
			assertThat(view.has("pending") && view.has("oldestSeconds") && view.get("oldest").isArray()).as(path)
				.isTrue();
			assertThat(send(stack.producer(), path, null).statusCode()).as(path + " without credentials")
				.isEqualTo(401);
		}
		assertThat(send(stack.consumer(), "/admin/api/outbox", null).statusCode()).isEqualTo(401);

		HttpResponse<String> refused = post(stack.producer(), "/admin/api/consumer/outbox/breaker",
				"{\"state\":\"HALF_OPEN\"}");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(json.readTree(refused.body()).get("detail").asString()).contains("FORCED_OPEN");
		assertThat(breaker(stack.consumer())).isEqualTo("CLOSED");
	}

	@Test
	void consumerServiceAcceptsTheTokensTheOrderApiAccepts() throws Exception {
		HttpResponse<String> mine = send(stack.consumer(), "/accounts/me", customer());
		HttpResponse<String> none = send(stack.consumer(), "/accounts/me", null);

		assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
		assertThat(json.readTree(mine.body()).get("customerId").asString()).isEqualTo("u-admin");
		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(none.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Bearer"));
	}

	@Test
	void thePageShowsTheOrderTheReconciliationAndTheDeadLettersAndRedrivesInChromium() throws Exception {
		requireChromium();
		long orderId = place();
		await("order " + orderId + " confirmed").atMost(Duration.ofSeconds(90))
			.until(() -> "CONFIRMED".equals(order(orderId).get("status").asString()));

		Path profile = Files.createTempDirectory("admin-page-chromium");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(new File("target/chromedriver.log"))
			.build();
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--disable-dev-shm-usage", "--window-size=1280,1800", "--user-data-dir=" + profile);
		WebDriver browser = new ChromeDriver(service, options);
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
			browser.get(stack.producer().resolve("/admin/").toString());

			signIn(browser, LocalStackProcess.ADMIN_USER, "not-the-password");
			wait.until(ExpectedConditions.textToBe(By.id("login-error"), "Wrong username or password."));

			signIn(browser, LocalStackProcess.ADMIN_USER, LocalStackProcess.ADMIN_PASSWORD);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), Long.toString(orderId)));
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reconciliation"), "Reconciled: OK"));
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("group-inventory")));
			assertThat(browser.findElement(By.id("group-points")).getText()).contains("points: 0 dead letter(s)");
			assertThat(browser.findElement(By.id("in-flight-count")).getText()).contains("in flight");

			WebElement redrive = browser.findElement(By.id("redrive-inventory"));
			redrive.click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("redrive-status-inventory"),
					"0 dead letter(s) sent back"));

			String customer = "u-page-" + UUID.randomUUID().toString().substring(0, 8);
			browser.findElement(By.id("account-customer")).sendKeys(customer);
			browser.findElement(By.id("account-show")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("account-summary"),
					customer + ": balance 0.00 EUR"));
			browser.findElement(By.id("deposit-amount")).sendKeys("25.00");
			browser.findElement(By.id("deposit-submit")).click();
			wait.until(
					ExpectedConditions.textToBePresentInElementLocated(By.id("deposit-status"), "deposited 25.00 EUR"));
			wait.until(
					ExpectedConditions.textToBePresentInElementLocated(By.id("account-summary"), "balance 25.00 EUR"));
			assertThat(browser.findElement(By.id("account-movements")).getText()).contains("DEPOSIT").contains("25.00");

			outboxSection(browser, wait);
			halfMessagesSection(browser, wait);
			webhooksSection(browser, wait);

			screenshot(browser, SCREENSHOT);
		}
		catch (RuntimeException ex) {
			// What the page showed when it failed, beside the test reports.
			screenshot(browser, FAILED_SCREENSHOT);
			throw ex;
		}
		finally {
			browser.quit();
			FileSystemUtils.deleteRecursively(profile);
		}
		byte[] png = Files.readAllBytes(SCREENSHOT);
		assertThat(png.length).as("screenshot size").isGreaterThan(10_000);
		assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
	}

	/**
	 * The Outbox section. consumer-service's breaker, forced open by its button (through
	 * producer-service), keeps an order's replies in its local message table, shown with
	 * their reason; closing it lets its relay publish them and the order settles.
	 * producer-service's breaker forced open takes an order into the orders table
	 * (BREAKER_OPEN, still 201); the standalone checkback relays that table too, so the
	 * row may be gone before the page shows it, and the counter proves it instead. Both
	 * breakers are closed again whatever happens.
	 */
	private static void outboxSection(WebDriver browser, WebDriverWait wait) throws Exception {
		try {
			for (String app : List.of("producer-service", "consumer-service")) {
				wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-summary-" + app),
						"mode FALLBACK, breaker CLOSED, relay running"));
			}

			browser.findElement(By.id("outbox-open-consumer-service")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-status-consumer-service"),
					"breaker FORCED_OPEN"));
			assertThat(breaker(stack.consumer())).isEqualTo("FORCED_OPEN");
			long replied = place();
			await("the replies to order " + replied + " waiting in consumer-service's table")
				.atMost(Duration.ofSeconds(60))
				.until(() -> outbox(stack.consumer()).get("pending").asLong() >= 2);
			browser.findElement(By.id("refresh")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-rows-consumer-service"),
					"PaymentFrozen"));
			assertThat(browser.findElement(By.id("outbox-rows-consumer-service")).getText())
				.contains("InventoryReserved")
				.contains(Long.toString(replied))
				.contains("BREAKER_OPEN");
			assertThat(browser.findElement(By.id("outbox-summary-consumer-service")).getText())
				.contains("breaker FORCED_OPEN")
				.contains("2 pending");
			browser.findElement(By.id("outbox-close-consumer-service")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-status-consumer-service"),
					"breaker CLOSED"));
			await("consumer-service's table drained").atMost(Duration.ofSeconds(60))
				.until(() -> outbox(stack.consumer()).get("pending").asLong() == 0);
			// Confirmed, or cancelled if the replies waited past the local stack's 10 s
			// confirmation timeout: settled either way.
			await("order " + replied + " settled").atMost(Duration.ofSeconds(90))
				.until(() -> !"CREATED".equals(order(replied).get("status").asString()));

			double writtenBefore = breakerOpenWrites();
			browser.findElement(By.id("outbox-open-producer-service")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-status-producer-service"),
					"breaker FORCED_OPEN"));
			assertThat(breaker(stack.producer())).isEqualTo("FORCED_OPEN");
			long queued = place();
			await("OrderCreated of " + queued + " written to the table, reason BREAKER_OPEN")
				.atMost(Duration.ofSeconds(10))
				.until(() -> breakerOpenWrites() == writtenBefore + 1);
			browser.findElement(By.id("outbox-close-producer-service")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-status-producer-service"),
					"breaker CLOSED"));
			await("order " + queued + ", relayed, confirmed").atMost(Duration.ofSeconds(90))
				.until(() -> "CONFIRMED".equals(order(queued).get("status").asString()));
			await("the orders table drained").atMost(Duration.ofSeconds(60))
				.until(() -> outbox(stack.producer()).get("pending").asLong() == 0);
			browser.findElement(By.id("outbox-retry-producer-service")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-status-producer-service"),
					"0 row(s) due now"));
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outbox-summary-producer-service"),
					"breaker CLOSED, relay running, 0 pending"));
		}
		finally {
			for (String path : List.of("/admin/api/outbox/breaker", "/admin/api/consumer/outbox/breaker")) {
				post(stack.producer(), path, "{\"state\":\"CLOSED\"}");
			}
		}
	}

	/**
	 * The Half messages section reads both apps' consoles (consumer-service's through
	 * producer-service) and names each one's producer group; nothing discarded waits for
	 * a resolve. Listing and resolving are proven by HalfMessageConsoleIT.
	 */
	private static void halfMessagesSection(WebDriver browser, WebDriverWait wait) {
		Pattern summary = Pattern
			.compile("^group [^:]+: \\d+ open, 0 discarded waiting for a resolve.*\\(\\d+ broker group\\(s\\)\\)$");
		for (String app : List.of("producer-service", "consumer-service")) {
			wait.until(ExpectedConditions.textMatches(By.id("halves-summary-" + app), summary));
		}
		assertThat(browser.findElement(By.id("halves-summary-producer-service")).getText())
			.startsWith("group order-service-tx: ");
		assertThat(browser.findElement(By.id("halves-summary-consumer-service")).getText())
			.doesNotStartWith("group order-service-tx: ");
		// Nothing waits for a resolve, so no row offers one (on the shared stack,
		// HalfMessageConsoleIT's show their resolution).
		assertThat(browser.findElements(By.cssSelector("#halves-discarded-producer-service button"))).isEmpty();
	}

	/**
	 * The Webhooks section against a receiver this test runs on 127.0.0.1 (the local
	 * stack allows loopback endpoints): an address the rules refuse is named on the page;
	 * a registered endpoint's secret is shown once, and it verifies the signature of the
	 * POST the receiver gets for an order confirmed next; the page shows that
	 * notification DELIVERED with its attempt; a rotated secret is shown once and
	 * differs; a disabled endpoint is DISABLED on the admin API too.
	 */
	private static void webhooksSection(WebDriver browser, WebDriverWait wait) throws Exception {
		try (WebhookReceiver receiver = WebhookReceiver.answering()) {
			register(browser, "http://169.254.169.254/latest/meta-data", "");
			wait.until(ExpectedConditions.attributeToBe(By.id("webhook-register-status"), "class", "error"));
			assertThat(browser.findElement(By.id("webhook-register-status")).getText()).contains("169.254.169.254");
			assertThat(browser.findElement(By.id("webhook-secret")).isDisplayed()).isFalse();

			register(browser, receiver.url(), "admin page test <b>receiver</b>");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhook-register-status"),
					"registered endpoint #"));
			long endpoint = Long.parseLong(browser.findElement(By.id("webhook-register-status"))
				.getText()
				.replaceAll(".*registered endpoint #(\\d+).*", "$1"));
			assertThat(browser.findElement(By.id("webhook-secret")).getText()).contains("Shown once, copy it now");
			String secret = browser.findElement(By.id("webhook-secret-value")).getText();
			assertThat(secret).startsWith("whsec_");
			assertThat(browser.findElement(By.id("webhook-query-token-value")).getText()).startsWith("whq_");
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhook-details-" + endpoint),
					"admin page test <b>receiver</b>"));
			assertThat(browser.findElement(By.id("webhook-url-" + endpoint)).getText()).contains(receiver.url());
			assertThat(browser.findElement(By.id("webhook-state-" + endpoint)).getText()).isEqualTo("ACTIVE");
			browser.findElement(By.id("webhook-secret-dismiss")).click();
			wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("webhook-secret")));
			assertThat(browser.findElement(By.id("webhook-secret-value")).getText()).isEmpty();

			long orderId = place();
			await("order " + orderId + " confirmed").atMost(Duration.ofSeconds(90))
				.until(() -> "CONFIRMED".equals(order(orderId).get("status").asString()));
			WebhookReceiver.Received post = await("the receiver notified of order " + orderId)
				.atMost(Duration.ofSeconds(30))
				.until(() -> receiver.about(Long.toString(orderId)), (found) -> !found.isEmpty())
				.get(0);
			assertThat(post.signedWith(secret)).as("signature " + post.signature() + " by the secret shown").isTrue();

			browser.findElement(By.id("webhook-show-" + endpoint)).click();
			By notifications = By.id("webhook-notifications-" + endpoint);
			// Reload re-renders the section: a button found just before may be gone.
			new WebDriverWait(browser, Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class)
				.until((page) -> {
					String shown = page.findElement(notifications).getText();
					if (shown.contains(Long.toString(orderId)) && shown.contains("DELIVERED")) {
						return true;
					}
					// Recorded just after the receiver answered: look again.
					page.findElement(By.id("webhook-reload-" + endpoint)).click();
					return false;
				});
			WebElement row = browser.findElement(notifications)
				.findElement(By.xpath(".//tr[td[text()='" + orderId + "']]"));
			assertThat(row.getText()).contains(post.webhookId()).contains("order.confirmed").contains("DELIVERED");
			String notification = row.getDomAttribute("id").substring("webhook-notification-".length());
			browser.findElement(By.id("webhook-attempts-toggle-" + notification)).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhook-attempts-" + notification),
					"DELIVERED"));
			assertThat(browser.findElement(By.id("webhook-attempts-" + notification)).getText()).contains("200")
				.contains(" ms");

			browser.findElement(By.id("webhook-rotate-" + endpoint)).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhook-secret"),
					"New signing secret of endpoint #" + endpoint));
			String rotated = browser.findElement(By.id("webhook-secret-value")).getText();
			assertThat(rotated).startsWith("whsec_").isNotEqualTo(secret);
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhook-details-" + endpoint),
					"the previous secret also signs until"));
			browser.findElement(By.id("webhook-secret-dismiss")).click();

			browser.findElement(By.id("webhook-toggle-" + endpoint)).click();
			wait.until(ExpectedConditions.textToBe(By.id("webhook-state-" + endpoint), "DISABLED"));
			HttpResponse<String> disabled = send(stack.producer(), "/admin/api/webhooks/" + endpoint,
					LocalStackProcess.adminAuthorization());
			assertThat(json.readTree(disabled.body()).get("status").asString()).as(disabled.body())
				.isEqualTo("DISABLED");
			assertThat(browser.findElement(By.id("webhook-toggle-" + endpoint)).getText()).isEqualTo("Enable");
		}
	}

	private static void register(WebDriver browser, String url, String description) {
		WebElement field = browser.findElement(By.id("webhook-url"));
		field.clear();
		field.sendKeys(url);
		WebElement about = browser.findElement(By.id("webhook-description"));
		about.clear();
		about.sendKeys(description);
		browser.findElement(By.id("webhook-register-submit")).click();
	}

	/** producer-service's OrderCreated events its open breaker sent to the table. */
	private static double breakerOpenWrites() throws Exception {
		String scrape = send(stack.producer(), "/actuator/prometheus", null).body();
		Matcher written = Pattern.compile(
				"(?m)^txorders_outbox_written_total\\{[^}]*kind=\"OrderCreated\"[^}]*reason=\"BREAKER_OPEN\"[^}]*} (\\S+)$")
			.matcher(scrape);
		assertThat(written.find()).as("txorders_outbox_written_total{kind=OrderCreated,reason=BREAKER_OPEN}").isTrue();
		return Double.parseDouble(written.group(1));
	}

	/** An app's local message table as its own admin API shows it. */
	private static JsonNode outbox(URI app) throws Exception {
		HttpResponse<String> outbox = send(app, "/admin/api/outbox", LocalStackProcess.adminAuthorization());
		assertThat(outbox.statusCode()).as(outbox.body()).isEqualTo(200);
		return json.readTree(outbox.body());
	}

	private static String breaker(URI app) throws Exception {
		return outbox(app).get("breaker").asString();
	}

	private static HttpResponse<String> post(URI base, String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(base.resolve(path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", LocalStackProcess.adminAuthorization())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void screenshot(WebDriver browser, Path file) throws Exception {
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.write(file, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
	}

	private static void requireChromium() {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			fail("The admin page test drives Debian's headless Chromium (" + CHROMIUM + ", " + CHROMEDRIVER
					+ "), which is not installed. Install it with:"
					+ " apt-get install -y --no-install-recommends chromium chromium-driver");
		}
	}

	private static void signIn(WebDriver browser, String user, String password) {
		WebElement username = browser.findElement(By.id("username"));
		username.clear();
		username.sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(password);
		browser.findElement(By.id("sign-in")).click();
	}

	private static long place() throws Exception {
		HttpResponse<String> placed = http.send(HttpRequest.newBuilder(stack.producer().resolve("/orders"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "admin-" + UUID.randomUUID())
			.header("Authorization", customer())
			.POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"sku\":\"BOOK-001\",\"quantity\":1}]}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		return Long.parseLong(json.readTree(placed.body()).get("orderId").asString());
	}

	private static JsonNode order(long orderId) throws Exception {
		return json.readTree(send(stack.producer(), "/orders/" + orderId, customer()).body());
	}

	/** The customer who places this test's orders, signed in. */
	private static String customer() {
		return "Bearer " + CustomerTokens.of(stack.ready()).forCustomer(CUSTOMER);
	}

	private static HttpResponse<String> send(URI base, String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
