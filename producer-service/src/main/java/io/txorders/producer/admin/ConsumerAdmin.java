package io.txorders.producer.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Supplier;

import io.txorders.messaging.admin.OnAdminCredentials;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * consumer-service's admin API (dead letters and their redrive, customers' accounts and
 * deposits, its local message table), called with the same credentials. Its answers are
 * passed on as they are.
 */
@Component
@Conditional(OnAdminCredentials.class)
class ConsumerAdmin {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final RestClient client;

	private final URI base;

	ConsumerAdmin(AdminSettings settings) {
		this.base = settings.consumerUrl();
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
		// A dead-letter listing reads the DLQ for up to 3 s; a redrive sends each one.
		requests.setReadTimeout(Duration.ofSeconds(30));
		this.client = RestClient.builder()
			.baseUrl(settings.consumerUrl().toString())
			.requestFactory(requests)
			.defaultHeaders((headers) -> headers.setBasicAuth(settings.username(), settings.password()))
			.build();
	}

	JsonNode deadLetters(String group) {
		return call(HttpMethod.GET, "/admin/dead-letters/{group}", group);
	}

	JsonNode redrive(String group) {
		return call(HttpMethod.POST, "/admin/dead-letters/{group}/redrive", group);
	}

	/** A customer's account with its open holds and latest movements. */
	JsonNode account(String customer) {
		return call(() -> this.client.get()
			.uri("/admin/accounts/{customer}", customer)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.body(JsonNode.class));
	}

	/**
	 * A deposit into a customer's account, once per {@code idempotencyKey}: 201 the first
	 * time, 200 with the same answer for a repeat.
	 */
	ResponseEntity<JsonNode> deposit(String customer, String idempotencyKey, JsonNode body) {
		return call(() -> this.client.post()
			.uri("/admin/accounts/{customer}/deposits", customer)
			.header(IDEMPOTENCY_KEY, idempotencyKey)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(JsonNode.class));
	}

	/** consumer-service's local message table (its replies), its breaker and relay. */
	JsonNode outbox(int limit) {
		return call(() -> this.client.get()
			.uri("/admin/api/outbox?limit={limit}", limit)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.body(JsonNode.class));
	}

	/** Forces consumer-service's circuit breaker open or closes it. */
	JsonNode outboxBreaker(JsonNode change) {
		return call(() -> this.client.post()
			.uri("/admin/api/outbox/breaker")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.body(change)
			.retrieve()
			.body(JsonNode.class));
	}

	/** Makes every waiting row of consumer-service's table due now. */
	JsonNode outboxRetry() {
		return call(() -> this.client.post()
			.uri("/admin/api/outbox/retry")
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.body(JsonNode.class));
	}

	/** consumer-service's open and discarded half messages (the kit's console there). */
	JsonNode halfMessages(int limit) {
		return call(() -> this.client.get()
			.uri("/admin/api/half-messages?limit={limit}", limit)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.body(JsonNode.class));
	}

	/**
	 * Resolves one of consumer-service's discarded half messages by its barrier's answer.
	 */
	JsonNode resolveHalfMessage(String broker, long offset) {
		return call(() -> this.client.post()
			.uri("/admin/api/half-messages/discarded/{broker}/{offset}/resolve", broker, offset)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.body(JsonNode.class));
	}

	private JsonNode call(HttpMethod method, String path, String group) {
		Supplier<JsonNode> request = () -> this.client.method(method)
			.uri(path, group)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.body(JsonNode.class);
		return call(request);
	}

	private <T> T call(Supplier<T> request) {
		try {
			return request.get();
		}
		catch (ResourceAccessException ex) {
			throw new Unreachable(this.base, ex);
		}
		catch (RestClientResponseException ex) {
			throw new Failed(this.base, ex.getStatusCode(), ex.getResponseBodyAsString(), ex);
		}
		catch (RestClientException ex) {
			throw new Failed(this.base, null, ex.getMessage(), ex);
		}
	}

	/** consumer-service did not answer at all (503). */
	static class Unreachable extends RuntimeException {

		Unreachable(URI base, Throwable cause) {
			super("consumer-service is unreachable at " + base + ": " + cause.getMessage(), cause);
		}

	}

	/**
	 * consumer-service answered with an error: its refusal of the request (4xx, passed
	 * on), or a failure (502).
	 */
	static class Failed extends RuntimeException {

		private final HttpStatusCode status;

		private final String body;

		Failed(URI base, HttpStatusCode status, String body, Throwable cause) {
			super("consumer-service at " + base + " answered " + ((status != null) ? status.value() : "badly") + ": "
					+ abbreviate(body), cause);
			this.status = status;
			this.body = body;
		}

		HttpStatusCode status() {
			return this.status;
		}

		/** What consumer-service answered (a problem body for its refusals). */
		String body() {
			return this.body;
		}

		private static String abbreviate(String body) {
			return (body == null) ? "" : (body.length() > 300) ? body.substring(0, 300) + "..." : body;
		}

	}

}
