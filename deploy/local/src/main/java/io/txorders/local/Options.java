package io.txorders.local;

import java.nio.file.Path;

import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * The infra options, a picocli mixin: {@code infra} reads them, and {@code up} accepts
 * them too and passes the ones given on to its infra child. {@link InfraConfig#from}
 * checks them together.
 */
final class Options {

	@Option(names = "--db-url", paramLabel = "<url>", defaultValue = "jdbc:mysql://127.0.0.1:3306/",
			description = "MySQL or MariaDB server to use, without a database name.")
	String dbUrl;

	@Option(names = "--db-user", paramLabel = "<user>", defaultValue = "root", description = "User for --db-url.")
	String dbUser;

	@Option(names = "--db-password", paramLabel = "<password>", defaultValue = "", showDefaultValue = Visibility.NEVER,
			description = { "Password for --db-url.", "  Default: empty" })
	String dbPassword;

	@Option(names = "--embedded-db", defaultValue = "auto", paramLabel = "auto|always|never",
			description = "auto: the server at --db-url if it answers, else an embedded MariaDB; "
					+ "always: the embedded MariaDB; never: --db-url or fail.")
	String embeddedDb;

	@Option(names = "--embedded-db-port", paramLabel = "<port>", defaultValue = "3307",
			description = "Embedded MariaDB's port (0 = any free).")
	int embeddedDbPort;

	@Option(names = "--orders-db", paramLabel = "<name>", defaultValue = "orders",
			description = "Database of producer-service and checkback.")
	String ordersDb;

	@Option(names = "--consumer-db", paramLabel = "<name>", defaultValue = "consumer",
			description = "Database of consumer-service.")
	String consumerDb;

	@Option(names = "--reset-db", arity = "0..1", paramLabel = "true|false", defaultValue = "false",
			fallbackValue = "true", showDefaultValue = Visibility.ALWAYS,
			description = "Drop both databases first, then apply the schema and demo data.")
	boolean resetDb;

	@Option(names = "--namesrv-port", paramLabel = "<port>", defaultValue = "9876",
			description = "RocketMQ NameServer's port (0 = any free).")
	int namesrvPort;

	@Option(names = "--broker-port", paramLabel = "<port>", defaultValue = "10911",
			description = "Broker's port; it also listens on this port - 2 (0 = any free).")
	int brokerPort;

	@Option(names = "--brokers", paramLabel = "<n>", defaultValue = "1",
			description = { "Broker groups, 1 to 4: broker-a in the infra JVM, broker-b, ... each in a JVM of its own"
					+ " on the next ports (--broker-port + 10, + 20, ...), every topic and group on each." })
	int brokers;

	@Option(names = "--proxy-port", paramLabel = "<port>", defaultValue = "8081",
			description = "gRPC proxy's port (0 = any free).")
	int proxyPort;

	@Option(names = "--work-dir", paramLabel = "<dir>", defaultValue = ".local-stack",
			description = "Broker store, embedded database, logs and ready file.")
	Path workDir;

	@Option(names = "--ready-file", paramLabel = "<path>",
			description = { "Properties file written once infra is ready (addresses, JDBC URLs, pid).",
					"  Default: <work-dir>/infra.ready for up; none for infra" })
	Path readyFile;

	@Option(names = "--transaction-timeout-ms", paramLabel = "<ms>", defaultValue = "5000",
			description = "Broker's transactionTimeOut: age of a half message before its first check-back.")
	int transactionTimeoutMs;

	@Option(names = "--transaction-check-interval-ms", paramLabel = "<ms>", defaultValue = "5000",
			description = "Broker's transactionCheckInterval: time between check-back passes.")
	int transactionCheckIntervalMs;

	@Option(names = "--transaction-op-batch-interval-ms", paramLabel = "<ms>", defaultValue = "500",
			description = "Broker's transactionOpBatchInterval; at most half of --transaction-timeout-ms.")
	int transactionOpBatchIntervalMs;

	@Option(names = "--transaction-check-max", paramLabel = "<n>", defaultValue = "15",
			description = "Broker's transactionCheckMax: check-backs before a half message is discarded.")
	int transactionCheckMax;

	@Option(names = "--transaction-topics", defaultValue = "order-events,reply-events", paramLabel = "<topic,...>",
			description = "TRANSACTION topics to create.")
	String transactionTopics;

	@Option(names = "--consumer-groups", defaultValue = "inventory,payment,points,order-replies",
			paramLabel = "<group,...>", description = "Consumer groups to create.")
	String consumerGroups;

	@Option(names = "--max-retries", paramLabel = "<n>", defaultValue = "16",
			description = "Redeliveries of a message before it goes to the group's dead-letter queue.")
	int maxRetries;

	@Option(names = "--transport", paramLabel = "remoting|grpc", defaultValue = "${env:TXORDERS_TRANSPORT:-remoting}",
			showDefaultValue = Visibility.NEVER,
			description = {
					"How the apps reach RocketMQ: remoting (the NameServer) or grpc (the proxy, with the"
							+ " broker's timer wheel on, which its pop consumers need).",
					"  Default: the environment's TXORDERS_TRANSPORT, else remoting" })
	String transport;

	@Option(names = "--die-with-parent", arity = "0..1", paramLabel = "true|false", defaultValue = "false",
			fallbackValue = "true", showDefaultValue = Visibility.ALWAYS,
			description = "Stop when the process that started this one exits (for tests).")
	boolean dieWithParent;

	@Option(names = "--fast-shutdown", arity = "0..1", paramLabel = "true|false", defaultValue = "false",
			fallbackValue = "true", showDefaultValue = Visibility.ALWAYS,
			description = "On stop, halt at once instead of the broker's 10-25 s graceful shutdown.")
	boolean fastShutdown;

	@Option(names = "--sql-dir", paramLabel = "<dir>",
			description = { "Migrate the databases from the scripts in <dir> (messaging, orders, consumer, demo)"
					+ " instead of the jar's.", "  Default: the scripts in the jar" })
	Path sqlDir;

	/**
	 * The work dir, absolute: where the logs go, before anything else is checked.
	 * @return the work dir
	 */
	Path workDir() {
		return this.workDir.toAbsolutePath().normalize();
	}

}
