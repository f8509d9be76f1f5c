package io.txorders.consumer.messaging;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import io.txorders.testsupport.Accounts;
import org.apache.rocketmq.client.apis.ClientException;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the consumer-service tests publish and look up: order events as producer-service
 * writes them, stock and accounts of their own, and the rows the groups leave.
 */
final class ConsumerFixtures {

	private final JdbcTemplate jdbc;

	ConsumerFixtures(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	static long newOrderId() {
		return Math.abs(UUID.randomUUID().getMostSignificantBits() >> 1);
	}

	static void publish(String tag, String[] keyAndBody) throws ClientException {
		ProxyPublisher.shared().publish(tag, keyAndBody[0], keyAndBody[1]);
	}

	static String[] orderCreated(long orderId, String userId, String sku, int quantity, String unitPrice) {
		String total = total(quantity, unitPrice);
		String body = """
				{"orderId":"%d","userId":"%s","items":[{"sku":"%s","quantity":%d,"unitPrice":%s}],"total":%s,"currency":"EUR","createdAt":"2026-11-23T10:00:00Z"}
				"""
			.formatted(orderId, userId, sku, quantity, unitPrice, total);
		return new String[] { Long.toString(orderId), body };
	}

	static String[] orderConfirmed(long orderId, String userId, int quantity, String unitPrice) {
		String body = """
				{"orderId":"%d","userId":"%s","total":%s,"currency":"EUR","confirmedAt":"2026-11-23T10:00:01Z"}
				""".formatted(orderId, userId, total(quantity, unitPrice));
		return new String[] { Long.toString(orderId), body };
	}

	static String[] orderCancelled(long orderId, String userId) {
		String body = """
				{"orderId":"%d","userId":"%s","cause":"USER_CANCELLED","cancelledAt":"2026-11-23T10:01:00Z"}
				""".formatted(orderId, userId);
		return new String[] { Long.toString(orderId), body };
	}

	private static String total(int quantity, String unitPrice) {
		return new BigDecimal(unitPrice).multiply(BigDecimal.valueOf(quantity)).toPlainString();
	}

	/** A SKU of this test run with {@code available} units. */
	String stockedSku(int available) {
		String sku = "IT-" + UUID.randomUUID().toString().substring(0, 12);
		this.jdbc.update("INSERT INTO stock (sku, available) VALUES (?, ?)", sku, available);
		return sku;
	}

	/** Available, reserved and sold units. */
	List<Integer> stock(String sku) {
		return this.jdbc.queryForObject("SELECT available, reserved, sold FROM stock WHERE sku = ?",
				(row, n) -> List.of(row.getInt(1), row.getInt(2), row.getInt(3)), sku);
	}

	/** A customer of this test run with an account holding {@code balance}, deposited. */
	String funded(String name, String balance) {
		String customer = name + "-" + UUID.randomUUID().toString().substring(0, 8);
		fund(customer, balance);
		return customer;
	}

	/**
	 * An account for exactly this customer id holding {@code balance}, deposited (an
	 * account of 0.00 has no deposit: ledger amounts are positive), nothing frozen.
	 */
	void fund(String customer, String balance) {
		if (new BigDecimal(balance).signum() > 0) {
			assertThat(Accounts.deposit(this.jdbc.getDataSource(), List.of(customer), new BigDecimal(balance), "it"))
				.as("a new deposit for %s", customer)
				.isEqualTo(1);
			return;
		}
		this.jdbc.update("INSERT INTO account (customer_id, currency, balance, frozen, created_at, updated_at) "
				+ "VALUES (?, 'EUR', 0, 0, NOW(3), NOW(3))", customer);
	}

	/**
	 * {@code amount} of the customer's balance frozen for another order, as payment's Try
	 * leaves it: the hold, its ledger row and the account's frozen.
	 */
	void frozenFor(long orderId, String customer, String amount) {
		this.jdbc.update("INSERT INTO payment_hold (order_id, customer_id, amount, currency, status, created_at, "
				+ "updated_at) VALUES (?, ?, ?, 'EUR', 'FROZEN', NOW(3), NOW(3))", orderId, customer, amount);
		this.jdbc.update(
				"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, "
						+ "order_id, created_at) VALUES (?, 'FREEZE', ?, 0, ?, ?, NOW(3))",
				customer, amount, amount, orderId);
		this.jdbc.update("UPDATE account SET frozen = frozen + ? WHERE customer_id = ?", amount, customer);
	}

	/** Balance and frozen, as the database prints them. */
	List<String> account(String customer) {
		return this.jdbc.queryForObject("SELECT balance, frozen FROM account WHERE customer_id = ?",
				(row, n) -> List.of(row.getBigDecimal(1).toPlainString(), row.getBigDecimal(2).toPlainString()),
				customer);
	}

	/** Whether the account's balance and frozen equal the sums of its ledger. */
	boolean ledgerAgrees(String customer) {
		return this.jdbc.queryForObject("""
				SELECT a.balance = COALESCE(SUM(l.balance_change), 0) AND a.frozen = COALESCE(SUM(l.frozen_change), 0)
				FROM account a LEFT JOIN account_ledger l ON l.customer_id = a.customer_id
				WHERE a.customer_id = ? GROUP BY a.balance, a.frozen
				""", Boolean.class, customer);
	}

	/** Whether the account's frozen equals the sum of its open (FROZEN) holds. */
	boolean holdsAgree(String customer) {
		return this.jdbc.queryForObject("""
				SELECT a.frozen = (SELECT COALESCE(SUM(h.amount), 0) FROM payment_hold h
				                   WHERE h.customer_id = a.customer_id AND h.status = 'FROZEN')
				FROM account a WHERE a.customer_id = ?
				""", Boolean.class, customer);
	}

	List<String> strings(String sql, Object... args) {
		return this.jdbc.queryForList(sql, String.class, args);
	}

	int count(String sql, Object... args) {
		return this.jdbc.queryForObject(sql, Integer.class, args);
	}

}
