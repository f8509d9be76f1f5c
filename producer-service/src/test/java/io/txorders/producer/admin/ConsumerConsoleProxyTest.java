package io.txorders.producer.admin;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The admin page's Outbox and Half messages sections read and steer consumer-service's
 * local message table and its half messages through producer-service: the kit's
 * {@code /admin/api/outbox} and {@code /admin/api/half-messages} there, with the admin
 * credentials, its answers and refusals passed on.
 */
class ConsumerConsoleProxyTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String BASIC = "Basic YWRtaW46dGVzdC1vbmx5LXBhc3N3b3Jk";

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
	void theTableIsReadWithTheLimitAndTheCredentials() {
		this.consumer.respond(200, "{\"mode\":\"FALLBACK\",\"breaker\":\"CLOSED\",\"relay\":true,\"pending\":1,"
				+ "\"oldestSeconds\":2.5,\"oldest\":[{\"id\":7,\"tag\":\"InventoryReserved\",\"key\":\"42\"}]}");

		JsonNode outbox = this.controller.consumerOutbox(9999);

		assertThat(outbox.get("pending").asLong()).isEqualTo(1);
		assertThat(outbox.get("oldest").get(0).get("tag").asString()).isEqualTo("InventoryReserved");
		assertThat(this.consumer.seen(0)).extracting("method", "path", "query", "authorization", "body")
			.containsExactly("GET", "/admin/api/outbox", "limit=500", BASIC, "");
	}

	@Test
	void theBreakerAndRetryArePostedToConsumerService() throws Exception {
		this.consumer.respond(200, "{\"breaker\":\"FORCED_OPEN\"}");
		JsonNode opened = this.controller.consumerOutboxBreaker(json.readTree("{\"state\":\"FORCED_OPEN\"}"));
		this.consumer.respond(200, "{\"due\":3}");
		JsonNode retried = this.controller.consumerOutboxRetry();

		assertThat(opened.get("breaker").asString()).isEqualTo("FORCED_OPEN");
		assertThat(retried.get("due").asInt()).isEqualTo(3);
		assertThat(this.consumer.seen(0).method()).isEqualTo("POST");
		assertThat(this.consumer.seen(0).path()).isEqualTo("/admin/api/outbox/breaker");
		assertThat(json.readTree(this.consumer.seen(0).body()).get("state").asString()).isEqualTo("FORCED_OPEN");
		assertThat(this.consumer.seen(1)).extracting("method", "path", "query", "authorization", "body")
			.containsExactly("POST", "/admin/api/outbox/retry", null, BASIC, "");
	}

	@Test
	void anUnknownStateIsConsumersRefusalPassedOn() throws Exception {
		String refused = "{\"title\":\"Unknown breaker state\",\"status\":400,\"detail\":\"state must be FORCED_OPEN\"}";
		this.consumer.respondWithProblem(400, refused);

		assertThatThrownBy(() -> this.controller.consumerOutboxBreaker(json.readTree("{\"state\":\"HALF\"}")))
			.isInstanceOfSatisfying(ConsumerAdmin.Failed.class, (failed) -> {
				ResponseEntity<?> answer = this.controller.failed(failed);
				assertThat(answer.getStatusCode().value()).isEqualTo(400);
				assertThat(answer.getBody()).isEqualTo(refused);
			});
	}

	@Test
	void theHalfMessagesAreReadAndResolvedThere() {
		this.consumer.respond(200, "{\"groups\":[\"consumer-replies\"],\"openCount\":2,\"discardedWaiting\":1}");
		JsonNode view = this.controller.consumerHalfMessages(5000);
		this.consumer.respond(200,
				"{\"alreadyResolved\":false,\"discarded\":{\"resolution\":{\"action\":\"DELIVERED\"}}}");
		JsonNode resolved = this.controller.resolveConsumerHalfMessage("broker-a", 7);

		assertThat(view.get("openCount").asInt()).isEqualTo(2);
		assertThat(this.consumer.seen(0)).extracting("method", "path", "query", "authorization", "body")
			.containsExactly("GET", "/admin/api/half-messages", "limit=1000", BASIC, "");
		assertThat(resolved.get("discarded").get("resolution").get("action").asString()).isEqualTo("DELIVERED");
		assertThat(this.consumer.seen(1)).extracting("method", "path", "query", "authorization", "body")
			.containsExactly("POST", "/admin/api/half-messages/discarded/broker-a/7/resolve", null, BASIC, "");
	}

	@Test
	void aResolveRefusedThereIsPassedOnAsItWasAnswered() {
		String refused = "{\"title\":\"No such discarded message\",\"status\":404,"
				+ "\"detail\":\"broker group broker-a has no discarded message at offset 99\"}";
		this.consumer.respondWithProblem(404, refused);

		assertThatThrownBy(() -> this.controller.resolveConsumerHalfMessage("broker-a", 99))
			.isInstanceOfSatisfying(ConsumerAdmin.Failed.class, (failed) -> {
				ResponseEntity<?> answer = this.controller.failed(failed);
				assertThat(answer.getStatusCode().value()).isEqualTo(404);
				assertThat(answer.getBody()).isEqualTo(refused);
			});
	}

}
