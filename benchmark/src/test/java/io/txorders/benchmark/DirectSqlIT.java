package io.txorders.benchmark;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.txorders.testsupport.LocalInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Baseline B against the real database, made from {@code sql/} as a run makes it: each
 * order leaves the rows the services leave for an order that ends CONFIRMED (both Try
 * replies recorded, sold, captured, credited), and the funds and stock still add up. If
 * the flow's SQL changes and B does not follow, its statements fail here, or leave other
 * rows than the service's.
 */
class DirectSqlIT {

	private static final int ORDERS = 5;

	private static final String SKU = "BENCH-IT";

	private static DirectSql direct;

	private static JdbcTemplate orders;

	private static JdbcTemplate consumer;

	private static String server;

	private static String parameters;

	@BeforeAll
	static void runBaselineB() throws Exception {
		LocalInfra infra = LocalInfra.shared();
		server = infra.serverJdbcUrl();
		parameters = infra.ordersJdbcUrl().substring(infra.ordersJdbcUrl().indexOf('?'));
		direct = new DirectSql(server, infra.dbUser(), infra.dbPassword(), Path.of("../sql"), SKU, parameters,
				LocalInfra.databasePrefix() + "benchmark_b_");
		orders = new JdbcTemplate(new DriverManagerDataSource(direct.ordersUrl(), infra.dbUser(), infra.dbPassword()));
		consumer = new JdbcTemplate(
				new DriverManagerDataSource(direct.consumerUrl(), infra.dbUser(), infra.dbPassword()));
		Measurement.Operation order = direct.order();
		for (int i = 0; i < ORDERS; i++) {
			assertThat(order.run(System.nanoTime())).isTrue();
		}
	}

	@AfterAll
	static void dropBaselineB() throws Exception {
		if (direct != null) {
			direct.drop(server, parameters);
		}
	}

	@Test
	void everyOrderIsConfirmedAfterBothTryRepliesAsTheCoordinatorConfirmsIt() {
		assertThat(orders.queryForList("SELECT status FROM orders", String.class)).hasSize(ORDERS)
			.containsOnly("CONFIRMED");
		assertThat(count(orders, "SELECT COUNT(*) FROM order_history WHERE to_status = 'CONFIRMED' "
				+ "AND from_status = 'CREATED' AND cause = 'ALL_RESERVED'"))
			.isEqualTo(ORDERS);
		assertThat(orders.queryForList(
				"SELECT CONCAT(participant, ' ', outcome) FROM order_try_reply ORDER BY participant, order_id",
				String.class))
			.hasSize(2 * ORDERS)
			.containsOnly("INVENTORY RESERVED", "PAYMENT RESERVED");
		assertThat(count(orders, "SELECT COUNT(*) FROM consumed_message WHERE consumer_group = 'order-replies'"))
			.isEqualTo(2 * ORDERS);
	}

	@Test
	void eachParticipantTriedAndConfirmedOnceAndPointsWereCreditedOnTheConfirmation() {
		assertThat(consumer.queryForList(
				"SELECT CONCAT(consumer_group, ' ', state) AS s, COUNT(*) AS n FROM order_effect GROUP BY s ORDER BY s"))
			.extracting((row) -> row.get("s") + "=" + row.get("n"))
			.containsExactly("inventory CONFIRMED=" + ORDERS, "payment CONFIRMED=" + ORDERS,
					"points APPLIED=" + ORDERS);
		assertThat(consumer.queryForList("SELECT CONCAT(consumer_group, ' ', event_type) AS s, COUNT(*) AS n "
				+ "FROM consumed_message GROUP BY s ORDER BY s"))
			.extracting((row) -> row.get("s") + "=" + row.get("n"))
			.containsExactly("inventory OrderConfirmed=" + ORDERS, "inventory OrderCreated=" + ORDERS,
					"payment OrderConfirmed=" + ORDERS, "payment OrderCreated=" + ORDERS,
					"points OrderConfirmed=" + ORDERS);
		assertThat(consumer.queryForList("SELECT status FROM reservation", String.class)).hasSize(ORDERS)
			.containsOnly("SOLD");
		assertThat(consumer.queryForMap("SELECT reserved, sold FROM stock WHERE sku = ?", SKU))
			.containsEntry("reserved", 0)
			.containsEntry("sold", ORDERS);
		assertThat(consumer.queryForList("SELECT CONCAT(entry_type, ' ', points) FROM points_ledger", String.class))
			.hasSize(ORDERS)
			.containsOnly("CREDIT 9");
	}

	@Test
	void paymentFrozeAndCapturedEachTotalOnceAndBalancesEqualTheirLedgers() {
		assertThat(consumer.queryForList("SELECT CONCAT(status, ' ', amount) FROM payment_hold", String.class))
			.hasSize(ORDERS)
			.containsOnly("CAPTURED " + OrderApi.PRICE);
		assertThat(consumer.queryForList(
				"SELECT entry_type FROM account_ledger WHERE order_id IS NOT NULL GROUP BY order_id, entry_type "
						+ "ORDER BY entry_type",
				String.class))
			.hasSize(2 * ORDERS)
			.containsOnly("CAPTURE", "FREEZE");
		List<Map<String, Object>> unequal = consumer.queryForList("""
				SELECT a.customer_id FROM account a
				JOIN (SELECT customer_id, SUM(balance_change) AS b, SUM(frozen_change) AS f
				      FROM account_ledger GROUP BY customer_id) l ON l.customer_id = a.customer_id
				WHERE a.balance <> l.b OR a.frozen <> l.f""");
		assertThat(unequal).as("accounts whose balance or frozen differ from their ledger").isEmpty();
		assertThat(count(consumer, "SELECT COUNT(*) FROM account")).isEqualTo(OrderApi.CUSTOMERS);
		assertThat(consumer.queryForObject("SELECT SUM(frozen) FROM account", BigDecimal.class)).isZero();
		BigDecimal spent = DirectSql.FUNDS.multiply(BigDecimal.valueOf(OrderApi.CUSTOMERS))
			.subtract(consumer.queryForObject("SELECT SUM(balance) FROM account", BigDecimal.class));
		assertThat(spent).isEqualByComparingTo(new BigDecimal(OrderApi.PRICE).multiply(BigDecimal.valueOf(ORDERS)));
	}

	private static int count(JdbcTemplate jdbc, String sql) {
		return jdbc.queryForObject(sql, Integer.class);
	}

}
