package io.txorders.benchmark;

import java.io.IOException;
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

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Baseline B: the business SQL of one order's whole saga, run directly over JDBC with no
 * messaging, on databases of its own (made from the versioned scripts of {@code sql/}, in
 * version order): the order's local transaction; inventory's (effect row, dedupe,
 * reservation, the stock row's guarded update); points' (effect row, dedupe, credit); the
 * confirmation (dedupe, guarded update, history): the statements the services run for a
 * new order, less their reads (the Idempotency-Key, the catalogue, inventory's plan).
 * Same server, same single SKU as the service run.
 */
final class DirectSql {

	private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*\\.sql");

	private static final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);

	private final String ordersUrl;

	private final String consumerUrl;

	private final String user;

	private final String password;

	private final String sku;

	DirectSql(String serverUrl, String user, String password, Path sqlDir, String sku, String parameters)
			throws Exception {
		this.user = user;
		this.password = password;
		this.sku = sku;
		this.ordersUrl = serverUrl + "bench_orders" + parameters;
		this.consumerUrl = serverUrl + "bench_consumer" + parameters;
		try (Connection server = DriverManager.getConnection(serverUrl + parameters, user, password);
				Statement statement = server.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS bench_orders");
			statement.execute("DROP DATABASE IF EXISTS bench_consumer");
			statement.execute("CREATE DATABASE bench_orders");
			statement.execute("CREATE DATABASE bench_consumer");
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
	}

	/**
	 * One client: its own two connections, one order's four local transactions per run.
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
			long orderId = ids.incrementAndGet();
			String key = Long.toString(orderId);
			String txId = UUID.randomUUID().toString();
			// producer-service: the order's local transaction
			update(orders, "INSERT INTO transaction_record (tx_id, state) VALUES (?, 'COMMITTED')", txId);
			update(orders,
					"INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, tx_id, created_at, updated_at) "
							+ "VALUES (?, 'bench', ?, REPEAT('0', 64), 'CREATED', 9.99, ?, NOW(3), NOW(3))",
					orderId, key, txId);
			update(orders,
					"INSERT INTO order_item (order_id, line_no, sku, quantity, unit_price) VALUES (?, 1, ?, 1, 9.99)",
					orderId, this.sku);
			update(orders,
					"INSERT INTO order_history (order_id, to_status, cause, occurred_at) VALUES (?, 'CREATED', 'ORDER_PLACED', NOW(3))",
					orderId);
			orders.commit();
			// inventory: effect row, dedupe, reservation, and the stock row last (its
			// guarded UPDATE is the check)
			effect(consumer, "inventory", orderId);
			dedupe(consumer, "inventory", "OrderCreated", key);
			update(consumer,
					"INSERT INTO reservation (order_id, sku, quantity, status, created_at, updated_at) VALUES (?, ?, 1, 'RESERVED', NOW(3), NOW(3))",
					orderId, this.sku);
			update(consumer,
					"UPDATE stock SET available = available - 1, reserved = reserved + 1 WHERE sku = ? AND available >= 1",
					this.sku);
			consumer.commit();
			// points: effect row, dedupe, credit
			effect(consumer, "points", orderId);
			dedupe(consumer, "points", "OrderCreated", key);
			update(consumer,
					"INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) VALUES (?, 'bench', 9, 'CREDIT', NOW(3))",
					orderId);
			consumer.commit();
			// producer-service: the confirmation
			dedupe(orders, "order-replies", "InventoryReserved", key);
			update(orders,
					"UPDATE orders SET status = 'CONFIRMED', version = version + 1, updated_at = NOW(3) WHERE id = ? AND status = 'CREATED'",
					orderId);
			update(orders,
					"INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) VALUES (?, 'CREATED', 'CONFIRMED', 'INVENTORY_RESERVED', NOW(3))",
					orderId);
			orders.commit();
			return true;
		};
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

	private static void effect(Connection connection, String group, long orderId) throws SQLException {
		update(connection,
				"INSERT INTO order_effect (consumer_group, order_id, state, updated_at) VALUES (?, ?, 'APPLIED', NOW(3)) "
						+ "ON DUPLICATE KEY UPDATE updated_at = GREATEST(NOW(3), updated_at + INTERVAL 1000 MICROSECOND)",
				group, orderId);
	}

	private static void dedupe(Connection connection, String group, String type, String key) throws SQLException {
		update(connection,
				"INSERT INTO consumed_message (consumer_group, event_type, message_key, message_id, outcome, consumed_at) "
						+ "VALUES (?, ?, ?, 'bench', 'APPLIED', NOW(3))",
				group, type, key);
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
