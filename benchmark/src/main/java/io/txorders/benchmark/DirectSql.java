package io.txorders.benchmark;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.txorders.testsupport.Accounts;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Baseline B: the business SQL of one order's whole saga (a TCC step per participant),
 * run directly over JDBC with no messaging, on databases of its own (made from the
 * versioned scripts of {@code sql/}, in version order). Eight local transactions, as the
 * services run them for an order that ends CONFIRMED:
 * <ol>
 * <li>the order's (barrier row, order, line, history);</li>
 * <li>inventory's Try (effect row, dedupe, reservation, the stock row's guarded
 * update);</li>
 * <li>payment's Try (effect row, dedupe, the account's guarded freeze, the hold, its
 * ledger row);</li>
 * <li>the coordinator's first reply (dedupe, the {@code order_try_reply} row);</li>
 * <li>its second, which confirms (dedupe, the reply row, the guarded update,
 * history);</li>
 * <li>inventory's Confirm (effect row, dedupe, the sale: stock reserved to sold, the
 * reservation SOLD, the effect CONFIRMED);</li>
 * <li>payment's Confirm (effect row, dedupe, the capture, the hold CAPTURED, its ledger
 * row, the effect CONFIRMED);</li>
 * <li>points' (effect row, dedupe, credit), on the confirmation.</li>
 * </ol>
 * Less their reads (the Idempotency-Key, the catalogue, the participants' plans, the
 * coordinator's locked status and replies) and the barrier rows of the replies and of
 * OrderConfirmed, which are messaging. Same server, same single SKU and the same
 * {@link OrderApi#CUSTOMERS} customers as the service run, each funded in B's database
 * before the run.
 */
final class DirectSql {

	private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*\\.sql");

	private static final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);

	private final String ordersUrl;

	private final String consumerUrl;

	private final String user;

	private final String password;

	/** What each of B's customers is given: far more than a run's orders cost. */
	static final BigDecimal FUNDS = new BigDecimal("10000000.00");

	private static final BigDecimal TOTAL = new BigDecimal(OrderApi.PRICE);

	/** One point per whole currency unit of the total. */
	private static final int POINTS = TOTAL.intValue();

	private final String sku;

	private final String ordersDatabase;

	private final String consumerDatabase;

	DirectSql(String serverUrl, String user, String password, Path sqlDir, String sku, String parameters)
			throws Exception {
		this(serverUrl, user, password, sqlDir, sku, parameters, "bench_");
	}

	/**
	 * @param databasePrefix B's two databases are {@code <prefix>orders} and
	 * {@code <prefix>consumer}, dropped and made again
	 */
	DirectSql(String serverUrl, String user, String password, Path sqlDir, String sku, String parameters,
			String databasePrefix) throws Exception {
		this.user = user;
		this.password = password;
		this.sku = sku;
		this.ordersDatabase = databasePrefix + "orders";
		this.consumerDatabase = databasePrefix + "consumer";
		this.ordersUrl = serverUrl + this.ordersDatabase + parameters;
		this.consumerUrl = serverUrl + this.consumerDatabase + parameters;
		try (Connection server = DriverManager.getConnection(serverUrl + parameters, user, password);
				Statement statement = server.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + this.ordersDatabase);
			statement.execute("DROP DATABASE IF EXISTS " + this.consumerDatabase);
			statement.execute("CREATE DATABASE " + this.ordersDatabase);
			statement.execute("CREATE DATABASE " + this.consumerDatabase);
		}
		// The kit's tables first, as deploy/local does.
		for (String url : List.of(this.ordersUrl, this.consumerUrl)) {
			apply(url, sqlDir.resolve("messaging"));
		}
		apply(this.ordersUrl, sqlDir.resolve("orders"));
		apply(this.consumerUrl, sqlDir.resolve("consumer"));
		try (Connection orders = connect(this.ordersUrl); Connection consumer = connect(this.consumerUrl)) {
			orders.createStatement()
				.execute("INSERT IGNORE INTO catalog_item (sku, name, price) VALUES ('" + sku + "', 'bench', "
						+ OrderApi.PRICE + ")");
			consumer.createStatement()
				.execute("INSERT IGNORE INTO stock (sku, available) VALUES ('" + sku + "', 1000000000)");
		}
		Accounts.deposit(new DriverManagerDataSource(this.consumerUrl, user, password), OrderApi.customers(), FUNDS,
				"baseline-b");
	}

	String ordersUrl() {
		return this.ordersUrl;
	}

	String consumerUrl() {
		return this.consumerUrl;
	}

	/** Drops B's two databases. */
	void drop(String serverUrl, String parameters) throws SQLException {
		try (Connection server = DriverManager.getConnection(serverUrl + parameters, this.user, this.password);
				Statement statement = server.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + this.ordersDatabase);
			statement.execute("DROP DATABASE IF EXISTS " + this.consumerDatabase);
		}
	}

	/**
	 * One client: its own two connections, one order's eight local transactions per run.
	 */
	Measurement.Operation order() {
		Connection orders;
		Connection consumer;
		try {
			orders = connect(this.ordersUrl);
			consumer = connect(this.consumerUrl);
			orders.setAutoCommit(false);
			consumer.setAutoCommit(false);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("baseline B cannot connect: " + ex.getMessage(), ex);
		}
		return due -> {
			try {
				return order(orders, consumer);
			}
			catch (SQLException | RuntimeException ex) {
				// As the services' transactions: nothing of a failed one stays.
				orders.rollback();
				consumer.rollback();
				throw ex;
			}
		};
	}

	/** One order's eight local transactions. */
	private boolean order(Connection orders, Connection consumer) throws SQLException {
		long orderId = ids.incrementAndGet();
		String key = Long.toString(orderId);
		String txId = UUID.randomUUID().toString();
		String customer = OrderApi.customer((int) (orderId % OrderApi.CUSTOMERS));
		// producer-service: the order's local transaction
		update(orders, "INSERT INTO transaction_record (tx_id, state) VALUES (?, 'COMMITTED')", txId);
		update(orders,
				"INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, currency, tx_id, "
						+ "version, created_at, updated_at) "
						+ "VALUES (?, ?, ?, REPEAT('0', 64), 'CREATED', ?, 'EUR', ?, 0, NOW(3), NOW(3))",
				orderId, customer, key, TOTAL, txId);
		update(orders, "INSERT INTO order_item (order_id, line_no, sku, quantity, unit_price) VALUES (?, 1, ?, 1, ?)",
				orderId, this.sku, TOTAL);
		update(orders, "INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) "
				+ "VALUES (?, NULL, 'CREATED', 'ORDER_PLACED', NOW(3))", orderId);
		orders.commit();
		// inventory's Try: effect row, dedupe, reservation, and the stock row last
		// (its guarded UPDATE is the check)
		effect(consumer, "inventory", orderId, "APPLIED");
		dedupe(consumer, "inventory", "OrderCreated", key);
		update(consumer,
				"INSERT INTO reservation (order_id, sku, quantity, status, created_at, updated_at) VALUES (?, ?, 1, 'RESERVED', NOW(3), NOW(3))",
				orderId, this.sku);
		guarded(consumer,
				"UPDATE stock SET available = available - 1, reserved = reserved + 1 WHERE sku = ? AND available >= 1",
				this.sku);
		consumer.commit();
		// payment's Try: effect row, dedupe, the guarded freeze, hold and ledger row
		effect(consumer, "payment", orderId, "APPLIED");
		dedupe(consumer, "payment", "OrderCreated", key);
		guarded(consumer,
				"UPDATE account SET frozen = frozen + ?, updated_at = CURRENT_TIMESTAMP(3) "
						+ "WHERE customer_id = ? AND currency = 'EUR' AND balance - frozen >= ?",
				TOTAL, customer, TOTAL);
		update(consumer,
				"INSERT INTO payment_hold (order_id, customer_id, amount, currency, status, created_at, updated_at) "
						+ "VALUES (?, ?, ?, 'EUR', 'FROZEN', CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))",
				orderId, customer, TOTAL);
		movement(consumer, customer, "FREEZE", BigDecimal.ZERO, TOTAL, orderId);
		consumer.commit();
		// producer-service, the coordinator: the first reply is recorded...
		dedupe(orders, "order-replies", "InventoryReserved", key);
		reply(orders, orderId, "INVENTORY");
		orders.commit();
		// ... the second confirms
		dedupe(orders, "order-replies", "PaymentFrozen", key);
		reply(orders, orderId, "PAYMENT");
		guarded(orders,
				"UPDATE orders SET status = 'CONFIRMED', version = version + 1, updated_at = NOW(3) WHERE id = ? AND status = 'CREATED'",
				orderId);
		update(orders,
				"INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) VALUES (?, 'CREATED', 'CONFIRMED', 'ALL_RESERVED', NOW(3))",
				orderId);
		orders.commit();
		// inventory's Confirm: the reservation is sold
		effect(consumer, "inventory", orderId, "NEW");
		dedupe(consumer, "inventory", "OrderConfirmed", key);
		guarded(consumer, "UPDATE stock SET reserved = reserved - 1, sold = sold + 1 WHERE sku = ? AND reserved >= 1",
				this.sku);
		update(consumer,
				"UPDATE reservation SET status = 'SOLD', updated_at = CURRENT_TIMESTAMP(3) WHERE order_id = ? AND sku = ? AND status = 'RESERVED'",
				orderId, this.sku);
		confirmed(consumer, "inventory", orderId);
		consumer.commit();
		// payment's Confirm: the frozen total is captured
		effect(consumer, "payment", orderId, "NEW");
		dedupe(consumer, "payment", "OrderConfirmed", key);
		guarded(consumer,
				"UPDATE account SET balance = balance - ?, frozen = frozen - ?, updated_at = CURRENT_TIMESTAMP(3) "
						+ "WHERE customer_id = ? AND frozen >= ?",
				TOTAL, TOTAL, customer, TOTAL);
		update(consumer,
				"UPDATE payment_hold SET status = 'CAPTURED', updated_at = CURRENT_TIMESTAMP(3) WHERE order_id = ? AND status = 'FROZEN'",
				orderId);
		movement(consumer, customer, "CAPTURE", TOTAL.negate(), TOTAL.negate(), orderId);
		confirmed(consumer, "payment", orderId);
		consumer.commit();
		// points, on the confirmation: effect row, dedupe, credit
		effect(consumer, "points", orderId, "APPLIED");
		dedupe(consumer, "points", "OrderConfirmed", key);
		update(consumer,
				"INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) VALUES (?, ?, ?, 'CREDIT', NOW(3))",
				orderId, customer, POINTS);
		consumer.commit();
		return true;
	}

	private Connection connect(String url) throws SQLException {
		// The same driver settings the services' connection pools use (their
		// application.yml), so baseline B is not measured with a slower driver.
		Properties properties = new Properties();
		properties.setProperty("user", this.user);
		properties.setProperty("password", this.password);
		properties.setProperty("cachePrepStmts", "true");
		properties.setProperty("useServerPrepStmts", "true");
		properties.setProperty("prepStmtCacheSize", "250");
		properties.setProperty("prepStmtCacheSqlLimit", "2048");
		properties.setProperty("openTelemetry", "DISABLED");
		return DriverManager.getConnection(url, properties);
	}

	/**
	 * The kit's lock on the order's effect row: created in {@code state} (a Try), or, for
	 * a Confirm, the Try's row touched (and then moved on by {@link #confirmed}).
	 */
	private static void effect(Connection connection, String group, long orderId, String state) throws SQLException {
		update(connection,
				"INSERT INTO order_effect (consumer_group, order_id, state, updated_at) VALUES (?, ?, ?, NOW(3)) "
						+ "ON DUPLICATE KEY UPDATE updated_at = GREATEST(NOW(3), updated_at + INTERVAL 1000 MICROSECOND)",
				group, orderId, state);
	}

	private static void confirmed(Connection connection, String group, long orderId) throws SQLException {
		update(connection,
				"UPDATE order_effect SET state = 'CONFIRMED', updated_at = CURRENT_TIMESTAMP(3) WHERE consumer_group = ? AND order_id = ?",
				group, orderId);
	}

	/** The coordinator's record of one participant's reply. */
	private static void reply(Connection orders, long orderId, String participant) throws SQLException {
		update(orders, "INSERT IGNORE INTO order_try_reply (order_id, participant, outcome, reason, received_at) "
				+ "VALUES (?, ?, 'RESERVED', NULL, NOW(3))", orderId, participant);
	}

	/** A movement of the order's money, with what it changed. */
	private static void movement(Connection consumer, String customer, String type, BigDecimal balanceChange,
			BigDecimal frozenChange, long orderId) throws SQLException {
		update(consumer,
				"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, order_id, "
						+ "created_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))",
				customer, type, TOTAL, balanceChange, frozenChange, orderId);
	}

	private static void dedupe(Connection connection, String group, String type, String key) throws SQLException {
		update(connection,
				"INSERT INTO consumed_message (consumer_group, event_type, message_key, message_id, outcome, consumed_at) "
						+ "VALUES (?, ?, ?, 'bench', 'APPLIED', NOW(3))",
				group, type, key);
	}

	/**
	 * A guarded UPDATE, the services' check that the state allows it: one row, or the
	 * order fails (as the service's throws and redelivers).
	 */
	private static void guarded(Connection connection, String sql, Object... args) throws SQLException {
		int rows;
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			bind(statement, args);
			rows = statement.executeUpdate();
		}
		if (rows != 1) {
			throw new IllegalStateException("baseline B: a guarded update changed " + rows + " rows: " + sql);
		}
	}

	private static void update(Connection connection, String sql, Object... args) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			bind(statement, args);
			statement.executeUpdate();
		}
	}

	private static void bind(PreparedStatement statement, Object... args) throws SQLException {
		for (int i = 0; i < args.length; i++) {
			statement.setObject(i + 1, args[i]);
		}
	}

	private void apply(String url, Path folder) throws Exception {
		try (Connection connection = connect(url)) {
			for (Path script : versioned(folder)) {
				ScriptUtils.executeSqlScript(connection, new EncodedResource(new FileSystemResource(script), "UTF-8"));
			}
		}
	}

	/**
	 * The folder's versioned scripts ({@code V<version>__<description>.sql}) in version
	 * order, as Flyway applies them: V2 before V10.
	 * @param folder a folder of {@code sql/}
	 * @return the scripts to apply, in order
	 */
	static List<Path> versioned(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter((file) -> VERSIONED.matcher(file.getFileName().toString()).matches())
				.sorted(Comparator.comparing(DirectSql::version, DirectSql::compareVersions))
				.toList();
		}
	}

	private static List<Long> version(Path script) {
		Matcher matcher = VERSIONED.matcher(script.getFileName().toString());
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a versioned script: " + script);
		}
		return Stream.of(matcher.group(1).split("[._]")).map(Long::valueOf).toList();
	}

	private static int compareVersions(List<Long> left, List<Long> right) {
		for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
			int compared = Long.compare((i < left.size()) ? left.get(i) : 0, (i < right.size()) ? right.get(i) : 0);
			if (compared != 0) {
				return compared;
			}
		}
		return 0;
	}

}
