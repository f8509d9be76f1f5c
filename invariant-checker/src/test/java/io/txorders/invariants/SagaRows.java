package io.txorders.invariants;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes the rows the order saga leaves in both databases, step by step, as the services
 * write them: each step in a consistent state, so a test breaks exactly one promise by
 * changing a row afterwards.
 */
final class SagaRows {

	static final String CUSTOMER = "alice";

	private final JdbcTemplate orders;

	private final JdbcTemplate consumer;

	SagaRows(JdbcTemplate orders, JdbcTemplate consumer) {
		this.orders = orders;
		this.consumer = consumer;
	}

	/**
	 * No orders, effects, accounts, dedupe, outbox or webhook rows; every SKU's units
	 * back in {@code available}.
	 */
	void empty() {
		for (String table : List.of("webhook_attempt", "webhook_notification", "webhook_endpoint")) {
			this.orders.update("DELETE FROM " + table);
		}
		for (String table : List.of("order_try_reply", "order_history", "order_item", "orders", "transaction_record",
				"outbox_message")) {
			this.orders.update("DELETE FROM " + table);
		}
		for (String table : List.of("reservation", "inventory_rejection", "points_ledger", "order_effect",
				"consumed_message", "payment_hold", "payment_rejection", "account_ledger", "account",
				"outbox_message")) {
			this.consumer.update("DELETE FROM " + table);
		}
		this.consumer.update("UPDATE stock SET available = available + reserved + sold, reserved = 0, sold = 0");
	}

	/** Opens the customer's account with a deposit, as payment's deposit does. */
	void deposit(String customer, String amount) {
		BigDecimal money = new BigDecimal(amount);
		this.consumer.update(
				"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, "
						+ "frozen_change, deposit_key, created_at) VALUES (?, 'DEPOSIT', ?, ?, 0, ?, NOW(3))",
				customer, money, money, "deposit-" + System.nanoTime());
		this.consumer.update(
				"INSERT INTO account (customer_id, currency, balance, frozen, created_at, updated_at) "
						+ "VALUES (?, 'EUR', ?, 0, NOW(3), NOW(3)) ON DUPLICATE KEY UPDATE balance = balance + ?",
				customer, money, money);
	}

	/** The order (CREATED), one line, its barrier row and history: OrderCreated sent. */
	void placed(long id, String sku, int quantity, String unitPrice) {
		placed(id, sku, quantity, unitPrice, Instant.now());
	}

	void placed(long id, String sku, int quantity, String unitPrice, Instant createdAt) {
		BigDecimal total = new BigDecimal(unitPrice).multiply(BigDecimal.valueOf(quantity));
		this.orders.update("INSERT INTO transaction_record (tx_id, state) VALUES (?, 'COMMITTED')", "tx-" + id);
		this.orders.update(
				"INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, currency, tx_id, "
						+ "created_at, updated_at) VALUES (?, ?, ?, REPEAT('0', 64), 'CREATED', ?, 'EUR', ?, ?, ?)",
				id, CUSTOMER, "key-" + id, total, "tx-" + id, Timestamp.from(createdAt), Timestamp.from(createdAt));
		this.orders.update("INSERT INTO order_item VALUES (?, 1, ?, ?, ?)", id, sku, quantity,
				new BigDecimal(unitPrice));
		history(id, null, "CREATED", "PLACED");
	}

	/** Inventory's Try: the stock reserved, the effect APPLIED, the reply recorded. */
	void inventoryReserved(long id) {
		Map<String, Object> line = this.orders.queryForMap("SELECT sku, quantity FROM order_item WHERE order_id = ?",
				id);
		this.consumer.update("INSERT INTO reservation VALUES (?, ?, ?, 'RESERVED', NOW(3), NOW(3))", id,
				line.get("sku"), line.get("quantity"));
		this.consumer.update("UPDATE stock SET available = available - ?, reserved = reserved + ? WHERE sku = ?",
				line.get("quantity"), line.get("quantity"), line.get("sku"));
		effect(id, "inventory", "APPLIED");
		reply(id, "INVENTORY", "RESERVED");
	}

	void inventoryRejected(long id) {
		this.consumer.update("INSERT INTO inventory_rejection VALUES (?, 'short', NOW(3))", id);
		effect(id, "inventory", "APPLIED");
		reply(id, "INVENTORY", "REJECTED");
	}

	/** Payment's Try: the total frozen on the customer's account, a hold, a FREEZE. */
	void paymentFrozen(long id) {
		BigDecimal total = total(id);
		this.consumer.update("INSERT INTO payment_hold VALUES (?, ?, ?, 'EUR', 'FROZEN', NOW(3), NOW(3))", id, CUSTOMER,
				total);
		ledger(id, "FREEZE", total, BigDecimal.ZERO, total);
		this.consumer.update("UPDATE account SET frozen = frozen + ? WHERE customer_id = ?", total, CUSTOMER);
		effect(id, "payment", "APPLIED");
		reply(id, "PAYMENT", "RESERVED");
	}

	void paymentRejected(long id) {
		this.consumer.update("INSERT INTO payment_rejection VALUES (?, ?, 'insufficient funds', NOW(3))", id, CUSTOMER);
		effect(id, "payment", "APPLIED");
		reply(id, "PAYMENT", "REJECTED");
	}

	/** Both reserved: CONFIRMED, then every group's Confirm applied. */
	void confirmed(long id) {
		transition(id, "CREATED", "CONFIRMED", "ALL_RESERVED");
		Map<String, Object> line = this.orders.queryForMap("SELECT sku, quantity FROM order_item WHERE order_id = ?",
				id);
		this.consumer.update("UPDATE reservation SET status = 'SOLD' WHERE order_id = ?", id);
		this.consumer.update("UPDATE stock SET reserved = reserved - ?, sold = sold + ? WHERE sku = ?",
				line.get("quantity"), line.get("quantity"), line.get("sku"));
		this.consumer.update(
				"UPDATE order_effect SET state = 'CONFIRMED' WHERE order_id = ? " + "AND consumer_group = 'inventory'",
				id);
		BigDecimal total = total(id);
		this.consumer.update("UPDATE payment_hold SET status = 'CAPTURED' WHERE order_id = ?", id);
		ledger(id, "CAPTURE", total, total.negate(), total.negate());
		this.consumer.update("UPDATE account SET balance = balance - ?, frozen = frozen - ? WHERE customer_id = ?",
				total, total, CUSTOMER);
		this.consumer.update(
				"UPDATE order_effect SET state = 'CONFIRMED' WHERE order_id = ? " + "AND consumer_group = 'payment'",
				id);
		this.consumer.update("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) "
				+ "VALUES (?, ?, ?, 'CREDIT', NOW(3))", id, CUSTOMER, total.intValue());
		effect(id, "points", "APPLIED");
	}

	/**
	 * CANCELLED with its cause, then every group's Cancel: what the Try or Confirm did is
	 * undone (COMPENSATED); a group that saw nothing remembers the cancel (CANCELLED).
	 */
	void cancelled(long id, String cause) {
		String from = this.orders.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, id);
		transition(id, from, "CANCELLED", cause);
		for (Map<String, Object> r : this.consumer
			.queryForList("SELECT sku, quantity, status FROM reservation WHERE order_id = ?", id)) {
			if ("RESERVED".equals(r.get("status"))) {
				this.consumer.update("UPDATE reservation SET status = 'RELEASED' WHERE order_id = ?", id);
				this.consumer.update(
						"UPDATE stock SET reserved = reserved - ?, available = available + ? WHERE sku = ?",
						r.get("quantity"), r.get("quantity"), r.get("sku"));
			}
			else if ("SOLD".equals(r.get("status"))) {
				this.consumer.update("UPDATE reservation SET status = 'RESTOCKED' WHERE order_id = ?", id);
				this.consumer.update("UPDATE stock SET sold = sold - ?, available = available + ? WHERE sku = ?",
						r.get("quantity"), r.get("quantity"), r.get("sku"));
			}
		}
		List<String> hold = this.consumer.queryForList("SELECT status FROM payment_hold WHERE order_id = ?",
				String.class, id);
		BigDecimal total = total(id);
		if (hold.contains("FROZEN")) {
			this.consumer.update("UPDATE payment_hold SET status = 'RELEASED' WHERE order_id = ?", id);
			ledger(id, "UNFREEZE", total, BigDecimal.ZERO, total.negate());
			this.consumer.update("UPDATE account SET frozen = frozen - ? WHERE customer_id = ?", total, CUSTOMER);
		}
		else if (hold.contains("CAPTURED")) {
			this.consumer.update("UPDATE payment_hold SET status = 'REFUNDED' WHERE order_id = ?", id);
			ledger(id, "REFUND", total, total, BigDecimal.ZERO);
			this.consumer.update("UPDATE account SET balance = balance + ? WHERE customer_id = ?", total, CUSTOMER);
		}
		this.consumer.update("""
				INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at)
				SELECT order_id, user_id, -points, 'DEBIT', NOW(3) FROM points_ledger
				WHERE order_id = ? AND entry_type = 'CREDIT'""", id);
		for (String group : DatabaseInvariants.GROUPS) {
			this.consumer.update("""
					INSERT INTO order_effect VALUES (?, ?, 'CANCELLED', NOW(3))
					ON DUPLICATE KEY UPDATE state = 'COMPENSATED'""", group, id);
		}
	}

	/** A confirmed order, every effect in place. */
	void confirmedOrder(long id, String sku, int quantity, String unitPrice) {
		placed(id, sku, quantity, unitPrice);
		inventoryReserved(id);
		paymentFrozen(id);
		confirmed(id);
	}

	void history(long id, String from, String to, String cause) {
		this.orders.update("INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) "
				+ "VALUES (?, ?, ?, ?, NOW(3))", id, from, to, cause);
	}

	void effect(long orderId, String group, String state) {
		this.consumer.update("INSERT INTO order_effect VALUES (?, ?, ?, NOW(3))", group, orderId, state);
	}

	void reply(long orderId, String participant, String outcome) {
		this.orders.update("INSERT INTO order_try_reply (order_id, participant, outcome, received_at) "
				+ "VALUES (?, ?, ?, NOW(3))", orderId, participant, outcome);
	}

	void ledger(long orderId, String type, BigDecimal amount, BigDecimal balanceChange, BigDecimal frozenChange) {
		this.consumer.update(
				"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, "
						+ "frozen_change, order_id, created_at) VALUES (?, ?, ?, ?, ?, ?, NOW(3))",
				CUSTOMER, type, amount, balanceChange, frozenChange, orderId);
	}

	private void transition(long id, String from, String to, String cause) {
		this.orders.update("UPDATE orders SET status = ? WHERE id = ?", to, id);
		history(id, from, to, cause);
	}

	private BigDecimal total(long id) {
		return this.orders.queryForObject("SELECT total FROM orders WHERE id = ?", BigDecimal.class, id);
	}

}
