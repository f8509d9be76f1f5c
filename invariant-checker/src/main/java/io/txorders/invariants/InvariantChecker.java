package io.txorders.invariants;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The invariant checker, as a command: reads both databases and the broker of any running
 * stack, waits (up to {@code --quiet-timeout}) until nothing is in flight, prints the
 * report and exits 0 when every promise holds, 1 on any violation, 2 when it cannot run.
 *
 * <pre>
 * java -jar invariant-checker/target/invariant-checker-exec.jar --ready-file=.local-stack/ready.properties
 * java -jar invariant-checker/target/invariant-checker-exec.jar --orders-db-url=jdbc:mysql://db:3306/orders \
 *     --consumer-db-url=jdbc:mysql://db:3306/consumer --db-user=checker --namesrv=namesrv:9876
 * </pre>
 */
public final class InvariantChecker {

	private static final List<String> KNOWN = List.of("ready-file", "orders-db-url", "consumer-db-url", "db-user",
			"db-password", "namesrv", "groups", "stock-baseline", "quiet-timeout", "help");

	private InvariantChecker() {
	}

	public static void main(String[] args) {
		int status;
		try {
			status = run(parse(args), System.out);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("invariant-checker: " + ex.getMessage());
			System.err.println(usage());
			status = 2;
		}
		catch (RuntimeException ex) {
			System.err.println("invariant-checker: cannot check: " + ex.getMessage());
			status = 2;
		}
		System.exit(status);
	}

	static int run(Map<String, String> options, PrintStream out) {
		if (options.containsKey("help")) {
			out.println(usage());
			return 0;
		}
		Map<String, String> settings = withReadyFile(options);
		String ordersUrl = required(settings, "orders-db-url");
		String consumerUrl = required(settings, "consumer-db-url");
		String user = settings.getOrDefault("db-user", "root");
		String password = settings.getOrDefault("db-password", System.getenv().getOrDefault("DB_PASSWORD", ""));
		String nameServer = required(settings, "namesrv");
		List<String> groups = Arrays
			.asList(settings.getOrDefault("groups", "inventory,points,order-replies").split(","));
		Duration quietTimeout = Duration.parse("PT" + settings.getOrDefault("quiet-timeout", "120s").toUpperCase());
		DatabaseInvariants database = new DatabaseInvariants(new DriverManagerDataSource(ordersUrl, user, password),
				new DriverManagerDataSource(consumerUrl, user, password));
		try (BrokerInvariants broker = new BrokerInvariants(nameServer, groups)) {
			Quiet quiet = Quiet.await(database, broker, quietTimeout, out);
			out.println("quiet: " + quiet);
			Report report = check(database, broker, parseBaseline(settings.get("stock-baseline")));
			report.print(out);
			return report.ok() ? 0 : 1;
		}
	}

	/** Checks both databases and the broker once. */
	public static Report check(DatabaseInvariants database, BrokerInvariants broker, Map<String, Integer> baseline) {
		Report report = new Report();
		database.check(report, baseline);
		broker.check(report);
		return report;
	}

	/** How the wait for quiet ended. */
	public record Quiet(boolean reached, Duration waited, int ordersInFlight, int effectsSettling,
			BrokerInvariants.State broker) {

		private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

		/**
		 * Polls until no order is in flight, every final order's effects are settled, no
		 * half message is open and no group lags, or the timeout passes (then the report
		 * shows what is still moving). Prints what it still waits for every 10 s.
		 */
		public static Quiet await(DatabaseInvariants database, BrokerInvariants broker, Duration timeout,
				PrintStream progress) {
			long start = System.nanoTime();
			long deadline = start + timeout.toNanos();
			long nextProgress = start + PROGRESS_EVERY.toNanos();
			while (true) {
				int inFlight = database.ordersInFlight();
				BrokerInvariants.State state = broker.read();
				int settling = (inFlight == 0 && state.quiet()) ? database.effectsSettling() : -1;
				Duration waited = Duration.ofNanos(System.nanoTime() - start);
				if (settling == 0) {
					return new Quiet(true, waited, inFlight, 0, state);
				}
				if (System.nanoTime() > deadline) {
					return new Quiet(false, waited, inFlight, (settling >= 0) ? settling : database.effectsSettling(),
							state);
				}
				if (System.nanoTime() > nextProgress) {
					progress
						.println("waiting for quiet: " + new Quiet(false, waited, inFlight, settling, state).what());
					nextProgress += PROGRESS_EVERY.toNanos();
				}
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return new Quiet(false, waited, inFlight, settling, state);
				}
			}
		}

		private String what() {
			return this.ordersInFlight + " orders in flight, "
					+ ((this.effectsSettling < 0) ? "effects not yet counted"
							: this.effectsSettling + " final orders with effects still settling")
					+ ", " + this.broker.unresolvedHalf() + " half messages open, lag " + this.broker.lag();
		}

		@Override
		public String toString() {
			return (this.reached ? "reached after " : "NOT reached after ") + this.waited.toMillis() + " ms (" + what()
					+ ")";
		}

	}

	static Map<String, String> parse(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument '" + arg + "'");
			}
			String[] pair = arg.substring(2).split("=", 2);
			if (!KNOWN.contains(pair[0])) {
				throw new IllegalArgumentException("unknown option --" + pair[0]);
			}
			options.put(pair[0], (pair.length == 2) ? pair[1] : "");
		}
		return options;
	}

	/**
	 * Options given explicitly win over the ready file that {@code local-stack.jar infra}
	 * and {@code up} write.
	 */
	private static Map<String, String> withReadyFile(Map<String, String> options) {
		Map<String, String> settings = new LinkedHashMap<>();
		String file = options.get("ready-file");
		if (file != null) {
			Properties ready = new Properties();
			try (InputStream in = Files.newInputStream(Path.of(file))) {
				ready.load(in);
			}
			catch (IOException ex) {
				throw new IllegalArgumentException("cannot read the ready file " + file + ": " + ex.getMessage());
			}
			putIfPresent(settings, "orders-db-url", ready.getProperty("ordersJdbcUrl"));
			putIfPresent(settings, "consumer-db-url", ready.getProperty("consumerJdbcUrl"));
			putIfPresent(settings, "db-user", ready.getProperty("dbUser"));
			putIfPresent(settings, "db-password", ready.getProperty("dbPassword"));
			putIfPresent(settings, "namesrv", ready.getProperty("namesrv"));
		}
		settings.putAll(options);
		return settings;
	}

	private static void putIfPresent(Map<String, String> settings, String key, String value) {
		if (value != null) {
			settings.put(key, value);
		}
	}

	private static String required(Map<String, String> settings, String key) {
		String value = settings.get(key);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("--" + key + " is required (or --ready-file)");
		}
		return value;
	}

	/** {@code SKU=units,SKU=units}: available + reserved per SKU before the run. */
	static Map<String, Integer> parseBaseline(String text) {
		Map<String, Integer> baseline = new TreeMap<>();
		if (text == null || text.isBlank()) {
			return baseline;
		}
		for (String pair : text.split(",")) {
			String[] parts = pair.split("=", 2);
			try {
				baseline.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("--stock-baseline: '" + pair + "' is not SKU=units");
			}
		}
		return baseline;
	}

	static String usage() {
		return """
				usage: java -jar invariant-checker-exec.jar [options]
				  --ready-file=PATH          read the databases and NameServer from local-stack's ready file
				  --orders-db-url=JDBC_URL   the orders database        --consumer-db-url=JDBC_URL  the consumer database
				  --db-user=root             --db-password (or env DB_PASSWORD)
				  --namesrv=HOST:PORT        the RocketMQ NameServer
				  --groups=inventory,points,order-replies   groups checked for lag and dead letters
				  --stock-baseline=SKU=N,... available + reserved per SKU before the run (checks conservation)
				  --quiet-timeout=120s       wait this long for in-flight work to settle before checking
				exit status: 0 every invariant holds, 1 violations found, 2 could not check""";
	}

}
