package io.txorders.producer.order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.txorders.testsupport.CustomerTokens;
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

	/**
	 * Webhooks to the tests' receivers on loopback, on a schedule of seconds (one context
	 * for every test: a second app would share the reply consumers' group).
	 */
	@Bean
	DynamicPropertyRegistrar webhooksForTests() {
		return (registry) -> {
			registry.add("txorders.webhooks.allowed-networks", () -> "127.0.0.0/8,::1/128");
			registry.add("txorders.webhooks.retry-schedule", () -> "1s,1s,1s");
			registry.add("txorders.webhooks.timeout", () -> "2s");
			registry.add("txorders.webhooks.connect-timeout", () -> "1s");
			registry.add("txorders.webhooks.lease", () -> "8s");
		};
	}

	@Bean
	Api api(Environment environment, JsonMapper json) {
		// The port is known only once the server runs, after this bean exists.
		return new Api(() -> URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port")),
				json, LocalInfra.shared().customerTokens(), new ConcurrentHashMap<>());
	}

	/**
	 * The order API over real HTTP, signed in: each request carries the access token of
	 * the customer it is for. That is the body's {@code userId} (when it is a valid
	 * customer id), the owner of the order a path names (as placed through this client),
	 * a list's {@code userId} filter, or else {@link #CUSTOMER}. {@link #sendAs} names
	 * the customer, or none.
	 */
	record Api(Supplier<URI> server, JsonMapper json, CustomerTokens tokens, Map<String, String> owners) {

		static final String CUSTOMER = "it-customer";

		private static final Pattern BODY_USER = Pattern.compile("\"userId\"\\s*:\\s*\"([A-Za-z0-9._:@-]{1,64})\"");

		private static final Pattern ORDER_PATH = Pattern.compile("/orders/(\\d+)(/.*)?");

		private static final Pattern LIST_USER = Pattern.compile("(?:^|&)userId=([A-Za-z0-9._:@-]{1,64})(?:&|$)");

		URI base() {
			return this.server.get();
		}

		private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

		Response placeOrder(String idempotencyKey, String body) {
			Matcher user = BODY_USER.matcher(body);
			String customer = user.find() ? user.group(1) : CUSTOMER;
			HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve("/orders"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (idempotencyKey != null) {
				request.header("Idempotency-Key", idempotencyKey);
			}
			Response response = sendAs(customer, request);
			if (response.status() == 200 || response.status() == 201) {
				this.owners.put(response.body().get("orderId").asString(), customer);
			}
			return response;
		}

		Response get(String path) {
			return send(HttpRequest.newBuilder(base().resolve(path)).GET());
		}

		/** Sent as the customer the path is for (see above). */
		Response send(HttpRequest.Builder request) {
			URI uri = request.build().uri();
			return sendAs(customerFor(uri), request);
		}

		/** Sent with {@code customer}'s token, or none when {@code customer} is null. */
		Response sendAs(String customer, HttpRequest.Builder request) {
			if (customer != null) {
				request.setHeader("Authorization", "Bearer " + token(customer));
			}
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

		String token(String customer) {
			return this.tokens.forCustomer(customer);
		}

		private String customerFor(URI uri) {
			Matcher order = ORDER_PATH.matcher(uri.getPath());
			if (order.matches()) {
				return this.owners.getOrDefault(order.group(1), CUSTOMER);
			}
			Matcher listed = LIST_USER.matcher((uri.getRawQuery() != null) ? uri.getRawQuery() : "");
			return listed.find() ? listed.group(1) : CUSTOMER;
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
