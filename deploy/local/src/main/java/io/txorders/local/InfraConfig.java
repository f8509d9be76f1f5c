package io.txorders.local;

import java.nio.file.Path;
import java.util.ArrayList;
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
		Path readyFile, boolean dieWithParent, boolean fastShutdown, int brokers, String transport) {

	/**
	 * Check the options together and settle them.
	 * @param options the parsed infra options
	 * @return the settings
	 * @throws IllegalArgumentException naming the option at fault
	 */
	static InfraConfig from(Options options) {
		if (!Set.of("auto", "always", "never").contains(options.embeddedDb)) {
			throw new IllegalArgumentException(
					"--embedded-db must be auto, always or never, got " + options.embeddedDb);
		}
		int timeout = options.transactionTimeoutMs;
		int opBatch = options.transactionOpBatchIntervalMs;
		checkTransactionSettings(timeout, options.transactionCheckIntervalMs, opBatch, options.transactionCheckMax);
		if (options.maxRetries < 0) {
			throw new IllegalArgumentException("--max-retries must not be negative");
		}
		if (!Set.of("remoting", "grpc").contains(options.transport)) {
			throw new IllegalArgumentException("--transport must be remoting or grpc, got " + options.transport);
		}
		if (options.brokers < 1 || options.brokers > BrokerGroup.MAX_GROUPS) {
			throw new IllegalArgumentException(
					"--brokers must be 1 to " + BrokerGroup.MAX_GROUPS + " (broker groups broker-a to "
							+ BrokerGroup.name(BrokerGroup.MAX_GROUPS - 1) + "), got " + options.brokers);
		}
		return new InfraConfig(Database.normaliseServerUrl(options.dbUrl), options.dbUser, options.dbPassword,
				options.embeddedDb, port("--embedded-db-port", options.embeddedDbPort), options.ordersDb,
				options.consumerDb, options.resetDb, port("--namesrv-port", options.namesrvPort),
				port("--broker-port", options.brokerPort), port("--proxy-port", options.proxyPort), options.workDir(),
				timeout, options.transactionCheckIntervalMs, opBatch, options.transactionCheckMax,
				list(options.transactionTopics), list(options.consumerGroups), options.maxRetries,
				(options.readyFile != null) ? options.readyFile.toAbsolutePath() : null, options.dieWithParent,
				options.fastShutdown, options.brokers, options.transport);
	}

	/** Whether the apps talk gRPC to the proxy. */
	boolean grpc() {
		return "grpc".equals(this.transport);
	}

	/**
	 * The broker's transactional settings, checked together.
	 * @throws IllegalArgumentException naming the option at fault
	 */
	static void checkTransactionSettings(long timeout, long checkInterval, int opBatch, int checkMax) {
		if (timeout <= 0 || checkInterval <= 0 || opBatch <= 0 || checkMax <= 0) {
			throw new IllegalArgumentException("the --transaction-* settings must be positive");
		}
		// Measured: with the op batch interval near the timeout the broker re-checks
		// finished transactions and delivers committed messages several times.
		if (opBatch * 2L > timeout) {
			throw new IllegalArgumentException("--transaction-op-batch-interval-ms (" + opBatch
					+ ") must stay well below --transaction-timeout-ms (" + timeout
					+ "): at most half of it, or the broker re-checks finished transactions and delivers"
					+ " committed messages more than once");
		}
	}

	static int port(String option, int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException(option + " must be a port between 0 and 65535, got " + port);
		}
		return port;
	}

	/** Comma-separated, blanks and empty items dropped. */
	static List<String> list(String commaSeparated) {
		List<String> items = new ArrayList<>();
		for (String item : commaSeparated.split(",")) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		return List.copyOf(items);
	}

}
