package io.txorders.producer.admin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin page's accounts go through producer-service to consumer-service's admin API:
 * with the admin credentials and the page's Idempotency-Key, answered with consumer's
 * status (201 or 200) and body, its refusals (400, 409) passed on as problems.
 */
class ConsumerAccountsProxyTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<Seen> seen = new CopyOnWriteArrayList<>();

	private HttpServer consumer;

	private int status;

	private String answer;

	private String contentType = MediaType.APPLICATION_JSON_VALUE;

	private AdminApiController controller;

	private ConsumerAdmin admin;

	@BeforeEach
	void startAConsumerServiceStandIn() throws IOException {
		this.consumer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.consumer.createContext("/", this::answer);
		this.consumer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		this.consumer.start();
		URI base = URI.create("http://127.0.0.1:" + this.consumer.getAddress().getPort());
		AdminSettings settings = new AdminSettings("admin", "test-only-password", base, List.of("inventory"), null);
		this.admin = new ConsumerAdmin(settings);
		this.controller = new AdminApiController(null, ConsumerAdminTest.unusedBarrier(), this.admin, null, settings);
	}

	@AfterEach
	void stop() {
		this.consumer.stop(0);
	}

	@Test
	void aDepositIsPassedOnWithTheKeyAndAnsweredWithConsumersStatus() throws Exception {
		respond(201, "{\"customerId\":\"demo\",\"amount\":100.00,\"balance\":1100.00}");

		ResponseEntity<JsonNode> answer = this.controller.deposit("demo", "page-1",
				json.readTree("{\"amount\":\"100.00\"}"));

		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(answer.getBody().get("balance").decimalValue()).isEqualByComparingTo("1100.00");
		Seen request = this.seen.get(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo("/admin/accounts/demo/deposits");
		assertThat(request.idempotencyKey()).isEqualTo("page-1");
		assertThat(request.authorization()).isEqualTo("Basic YWRtaW46dGVzdC1vbmx5LXBhc3N3b3Jk");
		assertThat(json.readTree(request.body()).get("amount").asString()).isEqualTo("100.00");

		respond(200, "{\"customerId\":\"demo\",\"amount\":100.00,\"balance\":1100.00}");
		assertThat(this.controller.deposit("demo", "page-1", json.readTree("{\"amount\":\"100.00\"}")).getStatusCode())
			.as("a repeated key")
			.isEqualTo(HttpStatus.OK);
	}

	@Test
	void anAccountIsReadForTheCustomerNamed() throws Exception {
		respond(200, "{\"customerId\":\"a b\",\"holds\":[]}");

		JsonNode account = this.controller.account("a b");

		assertThat(account.get("customerId").asString()).isEqualTo("a b");
		assertThat(this.seen.get(0).method()).isEqualTo("GET");
		assertThat(this.seen.get(0).rawPath()).isEqualTo("/admin/accounts/a%20b");
	}

	@Test
	void consumersRefusalsArePassedOnAsItsProblems() throws Exception {
		this.contentType = MediaType.APPLICATION_PROBLEM_JSON_VALUE;
		String conflict = "{\"title\":\"Idempotency-Key reused\",\"status\":409,\"detail\":\"Idempotency-Key 'k' was used\"}";
		respond(409, conflict);

		assertThatThrownBy(() -> this.admin.deposit("demo", "k", json.readTree("{\"amount\":\"2.00\"}")))
			.isInstanceOfSatisfying(ConsumerAdmin.Failed.class, (failed) -> {
				ResponseEntity<?> answer = this.controller.failed(failed);
				assertThat(answer.getStatusCode().value()).isEqualTo(409);
				assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
				assertThat(answer.getBody()).isEqualTo(conflict);
			});
	}

	@Test
	void consumerRefusingTheCredentialsIsABadGateway() {
		respond(401, "{\"status\":401}");

		assertThatThrownBy(() -> this.admin.account("demo")).isInstanceOfSatisfying(ConsumerAdmin.Failed.class,
				(failed) -> assertThat(this.controller.failed(failed).getStatusCode().value()).isEqualTo(502));
	}

	private void respond(int status, String body) {
		this.status = status;
		this.answer = body;
	}

	private void answer(HttpExchange exchange) throws IOException {
		this.seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
				exchange.getRequestURI().getRawPath(), exchange.getRequestHeaders().getFirst("Idempotency-Key"),
				exchange.getRequestHeaders().getFirst("Authorization"),
				new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
		byte[] body = this.answer.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", this.contentType);
		exchange.sendResponseHeaders(this.status, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	private record Seen(String method, String path, String rawPath, String idempotencyKey, String authorization,
			String body) {
	}

}
