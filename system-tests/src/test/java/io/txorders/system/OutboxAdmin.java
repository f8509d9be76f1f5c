package io.txorders.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One app's local message table as an operator reaches it: the kit's
 * {@code /admin/api/outbox} (what waits, the circuit breaker, retry now), with the
 * stack's admin credentials.
 */
record OutboxAdmin(URI app) {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	/** {@code GET /admin/api/outbox}: mode, breaker, pending, the oldest rows. */
	JsonNode state() {
		return json.readTree(send(HttpRequest.newBuilder(this.app.resolve("/admin/api/outbox?limit=500")).GET()));
	}

	long pending() {
		return state().get("pending").asLong();
	}

	/** The tags of the rows waiting with message key {@code key}, oldest first. */
	List<String> waiting(String key) {
		return state().get("oldest")
			.valueStream()
			.filter((row) -> row.get("key").asString().equals(key))
			.map((row) -> row.get("tag").asString())
			.toList();
	}

	/** FORCED_OPEN: every event to the table, the relay paused. */
	void forceBreakerOpen() {
		breaker("FORCED_OPEN");
	}

	/** CLOSED: half messages again, and the relay woken. */
	void closeBreaker() {
		breaker("CLOSED");
	}

	/** Every waiting row due now, the relay woken. */
	void retryNow() {
		send(HttpRequest.newBuilder(this.app.resolve("/admin/api/outbox/retry"))
			.POST(HttpRequest.BodyPublishers.noBody()));
	}

	private void breaker(String state) {
		JsonNode answer = json.readTree(send(HttpRequest.newBuilder(this.app.resolve("/admin/api/outbox/breaker"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + state + "\"}"))));
		assertThat(answer.get("breaker").asString()).isEqualTo(state);
	}

	private static String send(HttpRequest.Builder request) {
		HttpResponse<String> response;
		try {
			response = http.send(request.header("Authorization", LocalStackProcess.adminAuthorization())
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException("admin request failed: " + ex, ex);
		}
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

}
