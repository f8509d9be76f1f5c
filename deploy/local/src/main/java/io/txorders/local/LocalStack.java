package io.txorders.local;

import java.nio.file.Path;

/**
 * Entry point: {@code infra} (database + RocketMQ in this JVM) or {@code up} (infra in a
 * child JVM plus the three apps).
 */
public final class LocalStack {

	static final String LOG_DIR_PROPERTY = "local.stack.log.dir";

	private LocalStack() {
	}

	public static void main(String[] args) {
		int exit;
		try {
			exit = run(args);
		}
		catch (StackException | IllegalArgumentException ex) {
			Console.error(ex.getMessage());
			exit = 2;
		}
		catch (Exception ex) {
			Console.error("unexpected failure: " + ex);
			logFailure(ex);
			exit = 1;
		}
		System.exit(exit);
	}

	private static int run(String[] args) throws Exception {
		if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
			usage();
			return 0;
		}
		Options options = Options.parse(args, "up");
		switch (options.command()) {
			case "infra" -> {
				options.requireKnown(InfraConfig.OPTIONS);
				// Before InfraConfig: validating it touches classes that create loggers.
				redirectFiles(InfraConfig.workDir(options));
				String sqlDir = options.get("sql-dir", null);
				if (sqlDir != null) {
					System.setProperty(SqlScripts.DIR_PROPERTY, Path.of(sqlDir).toAbsolutePath().toString());
				}
				return new InfraCommand(InfraConfig.from(options)).run();
			}
			case "up" -> {
				options.requireKnown(UpCommand.OPTIONS);
				System.setProperty(LOG_DIR_PROPERTY, InfraConfig.workDir(options).resolve("logs").toString());
				return new UpCommand(options).run();
			}
			case "help", "-h", "--help" -> {
				usage();
				return 0;
			}
			default -> throw new IllegalArgumentException(
					"unknown command '" + options.command() + "': use up, infra or help");
		}
	}

	/**
	 * Keep every file of the infra JVM under the work dir. Must run before the first
	 * logger is created: rmq.logback.xml reads {@code local.stack.log.dir}. RocketMQ also
	 * writes below {@code user.home} where no setting reaches (RocksDB's info log under
	 * ~/logs/rocketmqlogs), so this JVM's home is the work dir.
	 * @param workDir the work dir
	 */
	static void redirectFiles(Path workDir) {
		System.setProperty(LOG_DIR_PROPERTY, workDir.resolve("logs").toString());
		System.setProperty("user.home", workDir.toString());
	}

	private static void logFailure(Exception ex) {
		// The stack trace belongs in the log file, not on the console.
		org.slf4j.LoggerFactory.getLogger(LocalStack.class).error("local-stack failed", ex);
	}

	private static void usage() {
		Console
			.line("""
					usage: java -jar local-stack.jar [up|infra|help] [--option=value ...]

					  up     infra in a child JVM, then checkback, producer-service and consumer-service (default)
					  infra  database + RocketMQ NameServer, broker and gRPC proxy in this JVM

					infra options (also accepted by up):
					  --db-url=jdbc:mysql://127.0.0.1:3306/   --db-user=root   --db-password=
					  --embedded-db=auto|always|never          --embedded-db-port=3307 (0 = any free)
					  --orders-db=orders   --consumer-db=consumer   --reset-db
					  --namesrv-port=9876  --broker-port=10911 (also uses port-2)  --proxy-port=8081 (0 = any free)
					  --work-dir=.local-stack   --ready-file=<path>
					  --transaction-timeout-ms=5000  --transaction-check-interval-ms=5000
					  --transaction-op-batch-interval-ms=500  --transaction-check-max=15
					  --transaction-topics=order-events,inventory-events
					  --consumer-groups=inventory,points,order-replies   --max-retries=16
					  --die-with-parent   --fast-shutdown   --sql-dir=DIR (scripts from DIR/orders, DIR/consumer instead of the jar)
					up options:
					  --producer-port=8080  --consumer-port=8082  --checkback-port=8083  --no-apps
					""");
	}

}
