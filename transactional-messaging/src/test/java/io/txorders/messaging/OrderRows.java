package io.txorders.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.txorders.messaging.publish.OutgoingEvent;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The business side of the kit's publishing tests: an order row written inside a local
 * transaction, and its {@code OrderCreated} event.
 */
public final class OrderRows {

	private final JdbcTemplate jdbc;

	private final String topic;

	public OrderRows(JdbcTemplate jdbc, String topic) {
		this.jdbc = jdbc;
		this.topic = topic;
	}

	public static long newOrderId() {
		return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
	}

	public static String key(long orderId) {
		return String.valueOf(orderId);
	}

	public OutgoingEvent orderCreated(long orderId) {
		return new OutgoingEvent(this.topic, "OrderCreated", key(orderId),
				("{\"orderId\":\"" + orderId + "\"}").getBytes(StandardCharsets.UTF_8));
	}

	/** Writes the order; call it inside the local transaction {@code txId}. */
	public void insert(long orderId, String txId) {
		this.jdbc.update(
				"""
						INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, tx_id, created_at, updated_at)
						VALUES (?, 'it-user', ?, ?, 'CREATED', 9.50, ?, CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))
						""",
				orderId, UUID.randomUUID().toString(), "0".repeat(64), txId);
	}

	/** The transaction ids the order was written with: none if it rolled back. */
	public List<String> txIds(long orderId) {
		return this.jdbc.queryForList("SELECT tx_id FROM orders WHERE id = ?", String.class, orderId);
	}

}
