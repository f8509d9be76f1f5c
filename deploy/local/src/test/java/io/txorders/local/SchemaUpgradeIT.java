package io.txorders.local;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made the old way (today's V1 scripts run as plain files, no schema history),
 * holding orders in every state and every effect, upgraded the way the apps upgrade it at
 * start (the kit's Flyway, then the app's): every row is intact, column by column, and
 * both histories stand at the newest version in {@code sql/}, whatever that is when the
 * test runs.
 */
class SchemaUpgradeIT {

	private static final Path SQL = Path.of("../../sql").toAbsolutePath().normalize();

	private static final String PREFIX = prefix();

	/**
	 * The demo catalog as the V1 scripts had it: no prices yet (today's demo file needs
	 * V2's columns).
	 */
	private static final String V1_DEMO_CATALOG = """
			INSERT IGNORE INTO catalog_item (sku, name) VALUES
			    ('BOOK-001', 'The Pragmatic Programmer'),
			    ('BOOK-002', 'Designing Data-Intensive Applications'),
			    ('MUG-001', 'RocketMQ mug'),
			    ('TSHIRT-M', 'T-shirt, size M'),
			    ('STICKER-1', 'Sticker pack'),
			    ('LAST-ONE', 'A collector''s item with one unit left')
			""";

	@TempDir
	static Path workDir;

	static Database server;

	@BeforeAll
	static void openServer() {
		// The scripts as they are in the tree, as the tests' local stack reads them.
		System.setProperty(Migrations.DIR_PROPERTY, SQL.toString());
		Options options = CommandLine.populateCommand(new Options(), "--embedded-db=auto", "--embedded-db-port=0",
				"--work-dir=" + workDir);
		server = Database.open(InfraConfig.from(options));
	}

	@AfterAll
	static void closeServer() {
		System.clearProperty(Migrations.DIR_PROPERTY);
		if (server != null) {
			server.close();
		}
	}

	@Test
	void anOrdersDatabaseFromTheV1ScriptsKeepsEveryRowThroughTheUpgrade() throws Exception {
		String name = PREFIX + "local_upgrade_orders";
		createTheOldWay(name, "orders");
		run(name, """
				INSERT INTO catalog_item (sku, name, active) VALUES ('OLD-1', 'Retired: "quoted" & ünïcode', FALSE);
				INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, tx_id, version,
				    created_at, updated_at) VALUES
				  (1001, 'u-1', 'k-1', REPEAT('a', 64), 'CREATED', 12.50, 'tx-1001', 0,
				    '2026-11-01 10:00:00.123', '2026-11-01 10:00:00.123'),
				  (1002, 'u-1', 'k-2', REPEAT('b', 64), 'CONFIRMED', 25.00, 'tx-1002', 1,
				    '2026-11-01 10:01:00.001', '2026-11-01 10:01:02.500'),
				  (1003, 'ü-2', 'k-3', REPEAT('c', 64), 'CANCELLED', 37.75, 'tx-1003', 1,
				    '2026-11-01 10:02:00.000', '2026-11-01 10:02:01.999'),
				  (1004, 'u-3', 'k-4', REPEAT('d', 64), 'CANCELLED', 0.00, 'tx-1004', 2,
				    '2026-11-01 10:03:00.000', '2026-11-01 11:00:00.000');
				INSERT INTO order_item (order_id, line_no, sku, quantity, unit_price) VALUES
				  (1001, 1, 'BOOK-001', 1, 12.50),
				  (1002, 1, 'MUG-001', 2, 12.50),
				  (1003, 1, 'LAST-ONE', 2, 10.00),
				  (1003, 2, 'BOOK-002', 1, 17.75),
				  (1004, 1, 'STICKER-1', 3, 0.00);
				INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) VALUES
				  (1001, NULL, 'CREATED', 'ORDER_PLACED', '2026-11-01 10:00:00.123'),
				  (1002, NULL, 'CREATED', 'ORDER_PLACED', '2026-11-01 10:01:00.001'),
				  (1002, 'CREATED', 'CONFIRMED', 'INVENTORY_RESERVED', '2026-11-01 10:01:02.500'),
				  (1003, NULL, 'CREATED', 'ORDER_PLACED', '2026-11-01 10:02:00.000'),
				  (1003, 'CREATED', 'CANCELLED', 'INVENTORY_REJECTED', '2026-11-01 10:02:01.999'),
				  (1004, NULL, 'CREATED', 'ORDER_PLACED', '2026-11-01 10:03:00.000'),
				  (1004, 'CREATED', 'CONFIRMED', 'INVENTORY_RESERVED', '2026-11-01 10:03:01.000'),
				  (1004, 'CONFIRMED', 'CANCELLED', 'CANCEL_REQUESTED', '2026-11-01 11:00:00.000');
				INSERT INTO transaction_record (tx_id, state, created_at) VALUES
				  ('tx-1001', 'COMMITTED', '2026-11-01 10:00:00.123'),
				  ('tx-1002', 'COMMITTED', '2026-11-01 10:01:00.001'),
				  ('tx-1003', 'COMMITTED', '2026-11-01 10:02:00.000'),
				  ('tx-1004', 'COMMITTED', '2026-11-01 10:03:00.000'),
				  ('tx-cancel-1004', 'COMMITTED', '2026-11-01 11:00:00.000'),
				  ('tx-lost', 'ROLLED_BACK', '2026-11-01 10:04:00.000');
				INSERT INTO checkback_answer (tx_id, answer, instance, answered_at, duration_ms) VALUES
				  ('tx-1001', 'COMMIT', 'producer-service-1@host', '2026-11-01 10:00:05.000', 3),
				  ('tx-lost', 'ROLLBACK', 'checkback-7@host', '2026-11-01 10:04:06.000', 11);
				INSERT INTO consumed_message (consumer_group, event_type, message_key, message_id, outcome,
				    consumed_at) VALUES
				  ('order-replies', 'InventoryReserved', '1002', 'm-1', 'APPLIED', '2026-11-01 10:01:02.500'),
				  ('order-replies', 'InventoryRejected', '1003', 'm-2', 'APPLIED', '2026-11-01 10:02:01.999'),
				  ('order-replies', 'InventoryReserved', '1004', 'm-3', 'APPLIED', '2026-11-01 10:03:01.000'),
				  ('order-replies', 'InventoryReserved', '1001', 'm-4', 'DUPLICATE', '2026-11-01 10:05:00.000');
				INSERT INTO order_effect (consumer_group, order_id, state, updated_at) VALUES
				  ('order-replies', 1002, 'APPLIED', '2026-11-01 10:01:02.500'),
				  ('order-replies', 1003, 'APPLIED', '2026-11-01 10:02:01.999'),
				  ('order-replies', 1004, 'COMPENSATED', '2026-11-01 11:00:00.000'),
				  ('order-replies', 1001, 'NEW', '2026-11-01 10:05:00.000');
				""");
		assertUpgradeKeepsEveryRow(name, "orders", List.of("orders", "order_item", "order_history", "catalog_item",
				"transaction_record", "checkback_answer", "consumed_message", "order_effect"));
	}

	@Test
	void aConsumerDatabaseFromTheV1ScriptsKeepsEveryRowThroughTheUpgrade() throws Exception {
		String name = PREFIX + "local_upgrade_consumer";
		createTheOldWay(name, "consumer");
		run(name,
				"""
						UPDATE stock SET available = 97, reserved = 1 WHERE sku = 'BOOK-001';
						UPDATE stock SET available = 0, reserved = 0 WHERE sku = 'LAST-ONE';
						INSERT INTO stock (sku, available, reserved, updated_at) VALUES ('ÜBER-1', 5, 2, '2026-11-01 09:00:00.001');
						INSERT INTO reservation (order_id, sku, quantity, status, created_at, updated_at) VALUES
						  (1002, 'MUG-001', 2, 'RESERVED', '2026-11-01 10:01:01.000', '2026-11-01 10:01:01.000'),
						  (1004, 'STICKER-1', 3, 'RELEASED', '2026-11-01 10:03:00.500', '2026-11-01 11:00:00.100'),
						  (1006, 'BOOK-001', 1, 'RESERVED', '2026-11-01 10:06:00.000', '2026-11-01 10:06:00.000');
						INSERT INTO inventory_rejection (order_id, reason, created_at) VALUES
						  (1003, 'LAST-ONE: 1 available, 2 wanted (it''s short)', '2026-11-01 10:02:01.000');
						INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) VALUES
						  (1002, 'u-1', 25, 'CREDIT', '2026-11-01 10:01:01.000'),
						  (1004, 'u-3', 0, 'CREDIT', '2026-11-01 10:03:00.500'),
						  (1004, 'u-3', 0, 'DEBIT', '2026-11-01 11:00:00.100'),
						  (1003, 'ü-2', 37, 'CREDIT', '2026-11-01 10:02:00.500'),
						  (1003, 'ü-2', 37, 'DEBIT', '2026-11-01 10:02:02.000');
						INSERT INTO consumed_message (consumer_group, event_type, message_key, message_id, outcome,
						    consumed_at) VALUES
						  ('inventory', 'OrderCreated', '1002', 'c-1', 'APPLIED', '2026-11-01 10:01:01.000'),
						  ('inventory', 'OrderCreated', '1003', 'c-2', 'REJECTED', '2026-11-01 10:02:01.000'),
						  ('inventory', 'OrderCancelled', '1004', 'c-3', 'APPLIED', '2026-11-01 11:00:00.100'),
						  ('points', 'OrderCreated', '1002', 'c-4', 'APPLIED', '2026-11-01 10:01:01.000'),
						  ('points', 'OrderCancelled', '1005', 'c-5', 'SKIPPED', '2026-11-01 10:07:00.000');
						INSERT INTO order_effect (consumer_group, order_id, state, updated_at) VALUES
						  ('inventory', 1002, 'APPLIED', '2026-11-01 10:01:01.000'),
						  ('inventory', 1003, 'APPLIED', '2026-11-01 10:02:01.000'),
						  ('inventory', 1004, 'COMPENSATED', '2026-11-01 11:00:00.100'),
						  ('points', 1004, 'COMPENSATED', '2026-11-01 11:00:00.100'),
						  ('points', 1005, 'CANCELLED', '2026-11-01 10:07:00.000'),
						  ('inventory', 1007, 'NEW', '2026-11-01 10:08:00.000');
						INSERT INTO transaction_record (tx_id, state, created_at) VALUES
						  ('reply-1002', 'COMMITTED', '2026-11-01 10:01:01.000'),
						  ('reply-1003', 'COMMITTED', '2026-11-01 10:02:01.000'),
						  ('reply-lost', 'ROLLED_BACK', '2026-11-01 10:09:00.000');
						INSERT INTO checkback_answer (tx_id, answer, instance, answered_at, duration_ms) VALUES
						  ('reply-lost', 'ROLLBACK', 'consumer-service-1@host', '2026-11-01 10:09:06.000', 4);
						INSERT INTO dlq_redrive (consumer_group, message_id, redriven_at) VALUES
						  ('points', 'dlq-1', '2026-11-01 12:00:00.000');
						""");
		assertUpgradeKeepsEveryRow(name, "consumer",
				List.of("stock", "reservation", "inventory_rejection", "points_ledger", "consumed_message",
						"order_effect", "transaction_record", "checkback_answer", "dlq_redrive"));
	}

	@Test
	void aDatabaseDeployLocalMigratedWithDemoRowsValidatesForAnAppWithout() {
		String name = PREFIX + "local_upgrade_demo";
		server.prepare(name, "orders", true);
		// A second start of the local stack, without --reset-db, changes nothing.
		server.prepare(name, "orders", false);
		Flyway app = Migrations.app(url(name), server.user(), server.password(), "orders", false);
		assertThat(app.validateWithResult().validationSuccessful).as("the app's Flyway, without the demo rows")
			.isTrue();
		assertThat(app.migrate().migrationsExecuted).isZero();
		assertThat(Migrations.kit(url(name), server.user(), server.password()).info().pending()).isEmpty();
	}

	/**
	 * The V1 files of sql/messaging and sql/folder, then the demo rows: as before Flyway.
	 */
	private static void createTheOldWay(String name, String folder) throws Exception {
		try (Connection connection = DriverManager.getConnection(server.serverUrl() + "?" + Database.URL_PARAMETERS,
				server.user(), server.password()); Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
			statement.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
		}
		List<Path> scripts = new ArrayList<>();
		scripts.addAll(files(SQL.resolve("messaging"), "V1__"));
		scripts.addAll(files(SQL.resolve(folder), "V1__"));
		boolean orders = folder.equals("orders");
		if (!orders) {
			// The demo stock is the same at every version; the demo accounts need the
			// account table of version 3.
			scripts.addAll(files(SQL.resolve("demo").resolve(folder), "R__demo_stock"));
		}
		assertThat(scripts).hasSize(orders ? 2 : 3);
		try (Connection connection = DriverManager.getConnection(url(name), server.user(), server.password())) {
			for (Path script : scripts) {
				ScriptUtils.executeSqlScript(connection, new EncodedResource(new FileSystemResource(script), "UTF-8"));
			}
			if (orders) {
				try (Statement statement = connection.createStatement()) {
					statement.execute(V1_DEMO_CATALOG);
				}
			}
		}
	}

	private static void assertUpgradeKeepsEveryRow(String name, String folder, List<String> filled) throws Exception {
		Map<String, Map<String, Map<String, String>>> before = snapshot(name);
		assertThat(before.keySet()).as("no history yet").noneMatch((table) -> table.contains("schema_history"));
		filled.forEach((table) -> assertThat(before.get(table)).as(table).isNotEmpty());

		// As the apps at start: the kit's Flyway (MessagingSchema), then the app's.
		Flyway kit = Migrations.kit(url(name), server.user(), server.password());
		Flyway app = Migrations.app(url(name), server.user(), server.password(), folder, false);
		kit.migrate();
		app.migrate();

		Map<String, Map<String, Map<String, String>>> after = snapshot(name);
		before.forEach((table, rows) -> {
			assertThat(after).as("table " + table).containsKey(table);
			rows.forEach((key, columns) -> {
				Map<String, String> now = after.get(table).get(key);
				assertThat(now).as(table + " row " + key).isNotNull();
				columns
					.forEach((column, value) -> assertThat(now).as(table + " row " + key).containsEntry(column, value));
			});
		});
		assertAtNewestVersion(kit, SQL.resolve(Migrations.MESSAGING));
		assertAtNewestVersion(app, SQL.resolve(folder));
		assertThat(app.migrate().migrationsExecuted).as("a second start changes nothing").isZero();
	}

	private static void assertAtNewestVersion(Flyway flyway, Path folder) throws IOException {
		MigrationVersion newest = files(folder, "V").stream()
			.map((file) -> MigrationVersion.fromVersion(file.getFileName().toString().substring(1).split("__")[0]))
			.max(Comparator.naturalOrder())
			.orElseThrow();
		MigrationInfo current = flyway.info().current();
		assertThat(current).as("history of " + folder).isNotNull();
		assertThat(current.getVersion()).as("history of " + folder).isEqualTo(newest);
		assertThat(flyway.info().pending()).as("pending in " + folder).isEmpty();
	}

	/** Every table's rows by primary key, each column as text. */
	private static Map<String, Map<String, Map<String, String>>> snapshot(String name) throws SQLException {
		Map<String, Map<String, Map<String, String>>> tables = new TreeMap<>();
		try (Connection connection = DriverManager.getConnection(url(name), server.user(), server.password())) {
			List<String> names = new ArrayList<>();
			try (Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")) {
				while (rows.next()) {
					names.add(rows.getString(1));
				}
			}
			for (String table : names) {
				List<String> key = primaryKey(connection.getMetaData(), name, table);
				Map<String, Map<String, String>> byKey = new TreeMap<>();
				try (Statement statement = connection.createStatement();
						ResultSet rows = statement.executeQuery("SELECT * FROM `" + table + "`")) {
					ResultSetMetaData meta = rows.getMetaData();
					while (rows.next()) {
						Map<String, String> columns = new LinkedHashMap<>();
						for (int i = 1; i <= meta.getColumnCount(); i++) {
							columns.put(meta.getColumnLabel(i), text(rows.getObject(i)));
						}
						byKey.put(key.stream().map(columns::get).toList().toString(), columns);
					}
				}
				tables.put(table, byKey);
			}
		}
		return tables;
	}

	private static List<String> primaryKey(DatabaseMetaData meta, String database, String table) throws SQLException {
		Map<Short, String> columns = new TreeMap<>();
		try (ResultSet key = meta.getPrimaryKeys(database, null, table)) {
			while (key.next()) {
				columns.put(key.getShort("KEY_SEQ"), key.getString("COLUMN_NAME"));
			}
		}
		assertThat(columns).as("primary key of " + table).isNotEmpty();
		return List.copyOf(columns.values());
	}

	/** A value as text that a later type of the same meaning gives too. */
	private static String text(Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof Boolean flag) {
			return flag ? "1" : "0";
		}
		if (value instanceof Number number) {
			return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
		}
		return value.toString();
	}

	private static List<Path> files(Path folder, String prefix) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter((file) -> {
				String fileName = file.getFileName().toString();
				return fileName.startsWith(prefix) && fileName.endsWith(".sql");
			}).sorted().toList();
		}
	}

	private static void run(String name, String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection(url(name), server.user(), server.password())) {
			ScriptUtils.executeSqlScript(connection,
					new EncodedResource(new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8)), "UTF-8"));
		}
	}

	private static String url(String name) {
		return server.jdbcUrl(name);
	}

	private static String prefix() {
		String prefix = System.getenv("TXORDERS_IT_DB_PREFIX");
		return (prefix == null || prefix.isBlank()) ? "it_" : prefix;
	}

}
