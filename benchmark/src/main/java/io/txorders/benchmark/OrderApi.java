package io.txorders.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.txorders.testsupport.CustomerTokens;

/**
 * The service under test: POST /orders with a realistic body and a fresh Idempotency-Key,
 * spread over {@link #CUSTOMERS} customers, each funded before the run (an order is
 * CONFIRMED only when payment can freeze its total). Each order placed (201) is handed to
 * a {@link Settlements} with the instant it was submitted, the start of its
 * submit-to-CONFIRMED time.
 */
final class OrderApi {

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final URI orders;

	private final String sku;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final AtomicLong sequence = new AtomicLong();

	/**
	 * The benchmark SKU's catalog price; each order states it, so the price check runs as
	 * for a shop's client.
	 */
	static final String PRICE = "9.99";

	/** Customers the orders are spread over. */
	static final int CUSTOMERS = 100;

	/** One signed-in customer's Authorization header each, signed before the run. */
	private final List<String> bearers;

	OrderApi(URI base, String sku, CustomerTokens tokens) {
		this.orders = base.resolve("/orders");
		this.sku = sku;
		this.bearers = IntStream.range(0, CUSTOMERS)
			.mapToObj(i -> "Bearer " + tokens.forCustomer(customer(i)))
			.toList();
	}

	/** The i-th of the {@link #CUSTOMERS} customers. */
	static String customer(int i) {
		return "bench-" + i;
	}

	/** Every customer the orders are spread over. */
	static List<String> customers() {
		return IntStream.range(0, CUSTOMERS).mapToObj(OrderApi::customer).toList();
	}

	Measurement.Operation placeOrder(Settlements settlements) {
		return due -> {
			long n = this.sequence.incrementAndGet();
			String body = "{\"items\":[{\"sku\":\"" + this.sku + "\",\"quantity\":1,\"unitPrice\":" + PRICE + "}]}";
			HttpRequest request = HttpRequest.newBuilder(this.orders)
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.header("Idempotency-Key", "bench-" + this.run + "-" + n)
				.header("Authorization", this.bearers.get((int) (n % CUSTOMERS)))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();
			HttpResponse<Void> response = this.http.send(request, HttpResponse.BodyHandlers.discarding());
			if (response.statusCode() != 201) {
				return false;
			}
			settlements.submitted(orderId(response.headers().firstValue("Location").orElse("")),
					Clock.epochMillis(due));
			return true;
		};
	}

	/** The id in {@code Location: /orders/{id}}. */
	static long orderId(String location) {
		return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
	}

}
