package io.txorders.producer.order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import io.txorders.testsupport.LocalInfra;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Points producer-service at the shared local stack and gives tests an HTTP client for
 * it.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(ScriptedProbe.class)
class ProducerStack {

	@Bean
	DynamicPropertyRegistrar localStack() {
		return LocalInfra.shared().ordersApp();
	}

	@Bean
	Api api(Environment environment, JsonMapper json) {
		// The port is known only once the server runs, after this bean exists.
		return new Api(() -> URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port")),
				json);
	}

	/** The order API over real HTTP. */
	record Api(Supplier<URI> server, JsonMapper json) {

		URI base() {
			return this.server.get();
		}

		private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

		Response placeOrder(String idempotencyKey, String body) {
			HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve("/orders"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (idempotencyKey != null) {
				request.header("Idempotency-Key", idempotencyKey);
			}
			return send(request);
		}

		Response get(String path) {
			return send(HttpRequest.newBuilder(base().resolve(path)).GET());
		}

		Response send(HttpRequest.Builder request) {
			try {
				HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
						HttpResponse.BodyHandlers.ofString());
				return new Response(response, this.json);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		static String newKey() {
			return "it-" + UUID.randomUUID();
		}

		/** An order at the catalog's price (no unitPrice sent). */
		static String order(String userId, String sku, int quantity) {
			return """
					{"userId":"%s","items":[{"sku":"%s","quantity":%d}]}
					""".formatted(userId, sku, quantity);
		}

		/** An order stating the unit price the customer saw. */
		static String order(String userId, String sku, int quantity, String unitPrice) {
			return """
					{"userId":"%s","items":[{"sku":"%s","quantity":%d,"unitPrice":%s}]}
					""".formatted(userId, sku, quantity, unitPrice);
		}

	}

	record Response(HttpResponse<String> raw, JsonMapper json) {

		int status() {
			return this.raw.statusCode();
		}

		JsonNode body() {
			return this.json.readTree(this.raw.body());
		}

		String header(String name) {
			return this.raw.headers().firstValue(name).orElse(null);
		}

		@Override
		public String toString() {
			return this.raw.statusCode() + " " + this.raw.body();
		}

	}

}
