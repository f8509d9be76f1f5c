package io.txorders.producer.admin;

import java.io.IOException;

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

	private ConsumerServiceStandIn consumer;

	private AdminApiController controller;

	private ConsumerAdmin admin;

	@BeforeEach
	void startAConsumerServiceStandIn() throws IOException {
		this.consumer = new ConsumerServiceStandIn();
		AdminSettings settings = this.consumer.settings();
		this.admin = new ConsumerAdmin(settings);
		this.controller = new AdminApiController(null, ConsumerAdminTest.unusedBarrier(), this.admin, null, settings);
	}

	@AfterEach
	void stop() {
		this.consumer.close();
	}

	@Test
	void aDepositIsPassedOnWithTheKeyAndAnsweredWithConsumersStatus() throws Exception {
		this.consumer.respond(201, "{\"customerId\":\"demo\",\"amount\":100.00,\"balance\":1100.00}");

		ResponseEntity<JsonNode> answer = this.controller.deposit("demo", "page-1",
				json.readTree("{\"amount\":\"100.00\"}"));

		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(answer.getBody().get("balance").decimalValue()).isEqualByComparingTo("1100.00");
		ConsumerServiceStandIn.Seen request = this.consumer.seen(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo("/admin/accounts/demo/deposits");
		assertThat(request.idempotencyKey()).isEqualTo("page-1");
		assertThat(request.authorization()).isEqualTo("Basic YWRtaW46dGVzdC1vbmx5LXBhc3N3b3Jk");
		assertThat(json.readTree(request.body()).get("amount").asString()).isEqualTo("100.00");

		this.consumer.respond(200, "{\"customerId\":\"demo\",\"amount\":100.00,\"balance\":1100.00}");
		assertThat(this.controller.deposit("demo", "page-1", json.readTree("{\"amount\":\"100.00\"}")).getStatusCode())
			.as("a repeated key")
			.isEqualTo(HttpStatus.OK);
	}

	@Test
	void anAccountIsReadForTheCustomerNamed() throws Exception {
		this.consumer.respond(200, "{\"customerId\":\"a b\",\"holds\":[]}");

		JsonNode account = this.controller.account("a b");

		assertThat(account.get("customerId").asString()).isEqualTo("a b");
		assertThat(this.consumer.seen(0).method()).isEqualTo("GET");
		assertThat(this.consumer.seen(0).rawPath()).isEqualTo("/admin/accounts/a%20b");
	}

	@Test
	void consumersRefusalsArePassedOnAsItsProblems() throws Exception {
		String conflict = "{\"title\":\"Idempotency-Key reused\",\"status\":409,\"detail\":\"Idempotency-Key 'k' was used\"}";
		this.consumer.respondWithProblem(409, conflict);

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
		this.consumer.respond(401, "{\"status\":401}");

		assertThatThrownBy(() -> this.admin.account("demo")).isInstanceOfSatisfying(ConsumerAdmin.Failed.class,
				(failed) -> assertThat(this.controller.failed(failed).getStatusCode().value()).isEqualTo(502));
	}

}
