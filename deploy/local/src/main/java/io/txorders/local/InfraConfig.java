package io.txorders.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Settings of the {@code infra} subcommand, validated up front so a bad combination fails
 * before anything starts.
 */
record InfraConfig(String dbUrl, String dbUser, String dbPassword, String embeddedDb, int embeddedDbPort,
		String ordersDb, String consumerDb, boolean resetDb, int namesrvPort, int brokerPort, int proxyPort,
		Path workDir, long transactionTimeoutMs, long transactionCheckIntervalMs, int transactionOpBatchIntervalMs,
		int transactionCheckMax, List<String> transactionTopics, List<String> consumerGroups, int maxRetries,
		Path readyFile, boolean dieWithParent, boolean fastShutdown) {

	static final Set<String> OPTIONS = Set.of("db-url", "db-user", "db-password", "embedded-db", "embedded-db-port",
			"orders-db", "consumer-db", "reset-db", "namesrv-port", "broker-port", "proxy-port", "work-dir",
			"transaction-timeout-ms", "transaction-check-interval-ms", "transaction-op-batch-interval-ms",
			"transaction-check-max", "transaction-topics", "consumer-groups", "max-retries", "ready-file",
			"die-with-parent", "fast-shutdown", "sql-dir");

	static Path workDir(Options options) {
		return Path.of(options.get("work-dir", ".local-stack")).toAbsolutePath().normalize();
	}

	static InfraConfig from(Options options) {
		String embeddedDb = options.get("embedded-db", "auto");
		if (!Set.of("auto", "always", "never").contains(embeddedDb)) {
			throw new IllegalArgumentException("--embedded-db must be auto, always or never, got " + embeddedDb);
		}
		int timeout = options.getInt("transaction-timeout-ms", 5000);
		int checkInterval = options.getInt("transaction-check-interval-ms", 5000);
		int opBatch = options.getInt("transaction-op-batch-interval-ms", 500);
		int checkMax = options.getInt("transaction-check-max", 15);
		if (timeout <= 0 || checkInterval <= 0 || opBatch <= 0 || checkMax <= 0) {
			throw new IllegalArgumentException("the --transaction-* settings must be positive");
		}
		// Measured: with the op batch interval near the timeout the broker re-checks
		// finished
		// transactions and delivers committed messages several times.
		if (opBatch * 2L > timeout) {
			throw new IllegalArgumentException("--transaction-op-batch-interval-ms (" + opBatch
					+ ") must stay well below --transaction-timeout-ms (" + timeout
					+ "): at most half of it, or the broker re-checks finished transactions and delivers"
					+ " committed messages more than once");
		}
		int maxRetries = options.getInt("max-retries", 16);
		if (maxRetries < 0) {
			throw new IllegalArgumentException("--max-retries must not be negative");
		}
		String readyFile = options.get("ready-file", null);
		return new InfraConfig(Database.normaliseServerUrl(options.get("db-url", "jdbc:mysql://127.0.0.1:3306/")),
				options.get("db-user", "root"), options.get("db-password", ""), embeddedDb,
				options.getPort("embedded-db-port", 3307), options.get("orders-db", "orders"),
				options.get("consumer-db", "consumer"), options.getFlag("reset-db"),
				options.getPort("namesrv-port", 9876), options.getPort("broker-port", 10911),
				options.getPort("proxy-port", 8081), workDir(options), timeout, checkInterval, opBatch, checkMax,
				options.getList("transaction-topics", "order-events,inventory-events"),
				options.getList("consumer-groups", "inventory,points,order-replies"), maxRetries,
				(readyFile != null) ? Path.of(readyFile).toAbsolutePath() : null, options.getFlag("die-with-parent"),
				options.getFlag("fast-shutdown"));
	}

}
