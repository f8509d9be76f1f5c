package io.txorders.producer.order;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placing orders over HTTP: the order commits with its OrderCreated message, and a
 * repeated Idempotency-Key never makes a second order.
 */
@ProducerServiceTest
class PlaceOrderIT {

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	@Autowired
	private Api api;

	@Autowired
	private JdbcTemplate jdbc;

	@Test
	void aPlacedOrderIsStoredAndItsOrderCreatedDeliveredOnce() {
		Response placed = this.api.placeOrder(Api.newKey(), Api.order("u-commit", "BOOK-001", 2));

		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		String orderId = placed.body().get("orderId").asString();
		assertThat(placed.header("Location")).isEqualTo("/orders/" + orderId);
		assertThat(placed.body().get("status").asString()).isEqualTo("CREATED");
		assertThat(placed.body().get("total").decimalValue()).isEqualByComparingTo("79.80");

		Response shown = this.api.get("/orders/" + orderId);
		assertThat(shown.status()).isEqualTo(200);
		assertThat(shown.body().get("items").get(0).get("sku").asString()).isEqualTo("BOOK-001");
		assertThat(shown.body().get("history").get(0).get("to").asString()).isEqualTo("CREATED");

		try (TopicProbe topic = new TopicProbe(LocalInfra.shared().nameServer(), "order-events")) {
			var delivered = topic.awaitKeys(DELIVERY, orderId).get(orderId);
			assertThat(delivered).hasSize(1);
			assertThat(delivered.get(0).getTags()).isEqualTo("OrderCreated");
			String txId = this.jdbc.queryForObject("SELECT tx_id FROM orders WHERE id = ?", String.class,
					Long.parseLong(orderId));
			assertThat(delivered.get(0).getUserProperty("txId")).isEqualTo(txId);
			assertThat(new String(delivered.get(0).getBody())).contains("\"orderId\":\"" + orderId + "\"")
				.contains("\"sku\":\"BOOK-001\"");
		}
	}

	@Test
	void aRepeatedIdempotencyKeyReturnsTheOriginalOrderAndCreatesNothing() {
		String key = Api.newKey();
		String body = Api.order("u-idem", "MUG-001", 1);

		Response first = this.api.placeOrder(key, body);
		Response again = this.api.placeOrder(key, body);

		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.body().get("orderId").asString()).isEqualTo(first.body().get("orderId").asString());
		assertThat(ordersWithKey("u-idem", key)).isEqualTo(1);
	}

	@Test
	void concurrentRequestsWithOneIdempotencyKeyMakeOneOrder() throws Exception {
		String key = Api.newKey();
		String body = Api.order("u-idem-race", "MUG-001", 1);
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<CompletableFuture<Response>> responses = java.util.stream.IntStream.range(0, 4)
				.mapToObj(i -> CompletableFuture.supplyAsync(() -> this.api.placeOrder(key, body), clients))
				.toList();
			List<Response> done = responses.stream().map(CompletableFuture::join).toList();

			assertThat(done).extracting(Response::status).containsOnly(200, 201).containsOnlyOnce(201);
			assertThat(done).extracting(response -> response.body().get("orderId").asString())
				.containsOnly(done.get(0).body().get("orderId").asString());
			assertThat(ordersWithKey("u-idem-race", key)).isEqualTo(1);
		}
		finally {
			clients.shutdownNow();
		}
	}

	@Test
	void anIdempotencyKeyReusedForADifferentOrderIsRefused() {
		String key = Api.newKey();
		assertThat(this.api.placeOrder(key, Api.order("u-reuse", "MUG-001", 1)).status()).isEqualTo(201);

		Response reused = this.api.placeOrder(key, Api.order("u-reuse", "MUG-001", 5));

		assertThat(reused.status()).as(reused.toString()).isEqualTo(422);
		assertThat(reused.body().get("detail").asString()).contains(key).contains("different request");
		assertThat(ordersWithKey("u-reuse", key)).isEqualTo(1);
	}

	@Test
	void anUnknownOrderIsNotFound() {
		Response missing = this.api.get("/orders/42");

		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
		assertThat(missing.body().get("detail").asString()).contains("42");
	}

	private int ordersWithKey(String userId, String key) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE user_id = ? AND idempotency_key = ?",
				Integer.class, userId, key);
	}

}
