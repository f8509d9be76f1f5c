package io.txorders.system;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The commit path end to end, every part a separate process: an order placed over HTTP is
 * stored, its OrderCreated delivered, and each consumer group applies it exactly once.
 */
class OrderFlowIT {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static LocalStackProcess stack;

	private static JdbcTemplate orders;

	private static JdbcTemplate consumer;

	@BeforeAll
	static void startStack() throws Exception {
		stack = LocalStackProcess.start();
		orders = new JdbcTemplate(stack.ordersDatabase());
		consumer = new JdbcTemplate(stack.consumerDatabase());
	}

	@AfterAll
	static void stopStack() {
		if (stack != null) {
			stack.close();
		}
	}

	@Test
	void anOrderPlacedOverHttpReservesStockAndCreditsPointsExactlyOnce() throws Exception {
		int stockBefore = available("BOOK-002");

		HttpResponse<String> placed = http.send(HttpRequest.newBuilder(stack.producer().resolve("/orders"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "system-" + UUID.randomUUID())
			.POST(HttpRequest.BodyPublishers.ofString(
					"{\"userId\":\"u-system\",\"items\":[{\"sku\":\"BOOK-002\",\"quantity\":2,\"unitPrice\":15.00}]}"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		JsonNode order = json.readTree(placed.body());
		long orderId = Long.parseLong(order.get("orderId").asString());
		assertThat(orders.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, orderId))
			.isEqualTo("CREATED");

		await("inventory and points applied the order").atMost(Duration.ofSeconds(90))
			.until(() -> consumer.queryForObject(
					"SELECT COUNT(*) FROM consumed_message WHERE event_type = 'OrderCreated' AND message_key = ?",
					Integer.class, Long.toString(orderId)) == 2);
		assertThat(consumer.queryForList("SELECT consumer_group FROM consumed_message WHERE message_key = ?",
				String.class, Long.toString(orderId)))
			.containsExactlyInAnyOrder("inventory", "points");
		assertThat(consumer.queryForList("SELECT quantity FROM reservation WHERE order_id = ? AND sku = 'BOOK-002'",
				Integer.class, orderId))
			.containsExactly(2);
		assertThat(available("BOOK-002")).isEqualTo(stockBefore - 2);
		assertThat(consumer.queryForList("SELECT points FROM points_ledger WHERE order_id = ?", Integer.class, orderId))
			.containsExactly(30);
	}

	private static int available(String sku) {
		return consumer.queryForObject("SELECT available FROM stock WHERE sku = ?", Integer.class, sku);
	}

}
