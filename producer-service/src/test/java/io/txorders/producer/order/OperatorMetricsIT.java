package io.txorders.producer.order;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.producer.order.store.OrderIds;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.RawPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After one order is confirmed and one cancelled through the real broker,
 * {@code /actuator/prometheus} shows what an operator of producer-service watches, and
 * the {@code rocketmq} health component is up.
 */
@ProducerServiceTest
class OperatorMetricsIT {

	private static final Duration SETTLE = Duration.ofSeconds(90);

	private static final HttpClient http = HttpClient.newHttpClient();

	private static RawPublisher inventory;

	@Autowired
	private Api api;

	@BeforeAll
	static void inventory() {
		inventory = new RawPublisher(LocalInfra.shared().nameServer(), "it-metrics-replies");
	}

	@AfterAll
	static void stopInventory() {
		inventory.close();
	}

	@Test
	void anOrderConfirmedAndOneCancelledShowUpInPrometheus() throws Exception {
		String confirmed = place("u-metrics");
		for (String tag : new String[] { "InventoryReserved", "PaymentFrozen" }) {
			inventory.publish("reply-events", tag, confirmed, "{\"orderId\":\"" + confirmed
					+ "\",\"reserved\":true,\"reason\":null,\"decidedAt\":\"2026-11-23T10:00:00Z\"}");
		}
		await().atMost(SETTLE).until(() -> status(confirmed).equals("CONFIRMED"));
		String cancelled = place("u-metrics");
		assertThat(this.api
			.send(HttpRequest.newBuilder(this.api.base().resolve("/orders/" + cancelled + "/cancel"))
				.POST(HttpRequest.BodyPublishers.noBody()))
			.status()).isEqualTo(200);

		await("the broker watch refreshed").atMost(SETTLE)
			.untilAsserted(() -> assertThat(scrape()).containsPattern("txorders_broker_reachable\\{[^}]*\\} 1")
				.containsPattern("txorders_consumer_lag\\{[^}]*group=\"order-replies\"[^}]*\\} \\d")
				.containsPattern("txorders_dlq_messages\\{[^}]*group=\"order-replies\"[^}]*\\} \\d"));
		assertThat(scrape())
			.containsPattern("txorders_local_transactions_total\\{[^}]*answer=\"COMMIT\",[^}]*kind=\"OrderCreated\"")
			.containsPattern("txorders_local_transactions_total\\{[^}]*answer=\"COMMIT\",[^}]*kind=\"OrderCancelled\"")
			.containsPattern("txorders_half_send_seconds_bucket\\{[^}]*kind=\"OrderCreated\"")
			.containsPattern("txorders_half_send_seconds_count\\{[^}]*kind=\"OrderCancelled\",result=\"sent\"")
			.containsPattern("txorders_order_settled_seconds_bucket\\{[^}]*status=\"CONFIRMED\"")
			.containsPattern("txorders_order_settled_seconds_count\\{[^}]*status=\"CANCELLED\"")
			.containsPattern("txorders_local_transactions_total\\{[^}]*answer=\"COMMIT\",[^}]*kind=\"OrderConfirmed\"")
			.containsPattern("txorders_order_cancelled_total\\{[^}]*cause=\"USER_CANCELLED\"\\} [1-9]")
			.containsPattern("txorders_order_cancelled_total\\{[^}]*cause=\"TIMED_OUT\"\\} \\d");
		assertThat(get("/actuator/health/rocketmq").body()).contains("\"UP\"");
		assertThat(get("/actuator/health/db").body()).contains("\"UP\"");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
	}

	@Test
	void anOrderIdCarriesTheMillisecondItWasSubmitted() {
		long before = System.currentTimeMillis();
		long id = OrderIds.next();
		assertThat(OrderMetrics.submittedAtMillis(id)).isBetween(before - 5, System.currentTimeMillis() + 5);
	}

	private String place(String userId) {
		Response placed = this.api.placeOrder(Api.newKey(), Api.order(userId, "BOOK-001", 1));
		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		return placed.body().get("orderId").asString();
	}

	private String status(String orderId) {
		return this.api.get("/orders/" + orderId).body().get("status").asString();
	}

	private String scrape() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> get(String path) throws Exception {
		URI uri = this.api.base().resolve(path);
		return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
