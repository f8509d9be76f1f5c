package io.txorders.invariants;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The invariant checker, as a command: reads both databases and the broker of any running
 * stack, waits (up to {@code --quiet-timeout}) until nothing is in flight, prints the
 * report and exits 0 when every promise holds, 1 on any violation, 2 when it cannot run.
 *
 * <pre>
 * java -jar invariant-checker/target/invariant-checker-exec.jar --ready-file=.local-stack/infra.ready
 * java -jar invariant-checker/target/invariant-checker-exec.jar --orders-db-url=jdbc:mysql://db:3306/orders \
 *     --consumer-db-url=jdbc:mysql://db:3306/consumer --db-user=checker --namesrv=namesrv:9876
 * </pre>
 */
@Command(name = "java -jar invariant-checker-exec.jar", mixinStandardHelpOptions = true,
		versionProvider = InvariantChecker.Version.class, showDefaultValues = true, sortOptions = false,
		abbreviateSynopsis = true,
		description = { "Reads both databases and the broker of a running stack, waits until nothing is in flight,"
				+ " then reports lost, duplicated and orphaned effects, unresolved half messages, events left in"
				+ " the outbox (local message table), webhook notifications missing or still pending, dead"
				+ " letters, lag, and stock and funds that do not reconcile." },
		exitCodeListHeading = "%nExit status:%n",
		exitCodeList = { "0:every invariant holds", "1:violations found", "2:could not check" })
public final class InvariantChecker implements Callable<Integer> {

	static final String DEFAULT_GROUPS = "inventory,payment,points,order-replies";

	static final String DEFAULT_QUIET_TIMEOUT = "120s";

	@Option(names = "--ready-file", paramLabel = "<path>",
			description = { "Take the databases, user, password and NameServer from local-stack's ready file;"
					+ " the options below win over it.", "  Default: none" })
	String readyFile;

	@Option(names = "--orders-db-url", paramLabel = "<jdbc-url>",
			description = { "The orders database.", "  Default: the ready file's; required without it" })
	String ordersDbUrl;

	@Option(names = "--consumer-db-url", paramLabel = "<jdbc-url>",
			description = { "The consumer database.", "  Default: the ready file's; required without it" })
	String consumerDbUrl;

	@Option(names = "--db-user", paramLabel = "<user>",
			description = { "User for both databases.", "  Default: the ready file's, else root" })
	String dbUser;

	@Option(names = "--db-password", paramLabel = "<password>", arity = "0..1", fallbackValue = "",
			description = { "Password for both databases; --db-password alone means empty.",
					"  Default: the ready file's, else env DB_PASSWORD, else empty" })
	String dbPassword;

	@Option(names = "--namesrv", paramLabel = "<host:port>",
			description = { "The RocketMQ NameServer.", "  Default: the ready file's; required without it" })
	String namesrv;

	@Option(names = "--groups", paramLabel = "<group,...>", defaultValue = DEFAULT_GROUPS,
			description = "Consumer groups checked for lag and dead letters.")
	String groups;

	@Option(names = "--stock-baseline", paramLabel = "<SKU=units,...>", description = {
			"Available + reserved + sold per SKU before the run: also checks that no unit was" + " created or lost.",
			"  Default: none (not checked)" })
	String stockBaseline;

	@Option(names = "--funds-baseline", paramLabel = "<amount>",
			description = { "Balances + CONFIRMED order totals - deposits before the run (the report's 'funds'"
					+ " figure, 0 when every order went through payment): also checks that no money was"
					+ " created or lost, so that the money captured and not refunded during the run is what"
					+ " the orders it confirmed cost.", "  Default: none (not checked)" })
	String fundsBaseline;

	@Option(names = "--quiet-timeout", paramLabel = "<duration>", defaultValue = DEFAULT_QUIET_TIMEOUT,
			description = "Wait this long for in-flight work to settle before checking (120s, 5m).")
	String quietTimeout;

	@Spec
	CommandSpec spec;

	private InvariantChecker() {
	}

	public static void main(String[] args) {
		System.exit(commandLine().execute(args));
	}

	/**
	 * The command line with its error handling: invalid input exits 2 with a message
	 * naming what is wrong, so does a stack it cannot reach.
	 * @return the command line, ready to execute
	 */
	static CommandLine commandLine() {
		return new CommandLine(new InvariantChecker()).setParameterExceptionHandler(InvariantChecker::invalidInput)
			.setExecutionExceptionHandler(InvariantChecker::cannotCheck);
	}

	@Override
	public Integer call() {
		try {
			return run(options(), System.out);
		}
		catch (IllegalArgumentException ex) {
			throw new ParameterException(this.spec.commandLine(), ex.getMessage(), ex);
		}
	}

	/**
	 * The options given, by name, as {@link #run} takes them.
	 * @return the options
	 */
	Map<String, String> options() {
		Map<String, String> options = new LinkedHashMap<>();
		putIfPresent(options, "ready-file", this.readyFile);
		putIfPresent(options, "orders-db-url", this.ordersDbUrl);
		putIfPresent(options, "consumer-db-url", this.consumerDbUrl);
		putIfPresent(options, "db-user", this.dbUser);
		putIfPresent(options, "db-password", this.dbPassword);
		putIfPresent(options, "namesrv", this.namesrv);
		putIfPresent(options, "groups", this.groups);
		putIfPresent(options, "stock-baseline", this.stockBaseline);
		putIfPresent(options, "funds-baseline", this.fundsBaseline);
		putIfPresent(options, "quiet-timeout", this.quietTimeout);
		return options;
	}

	/**
	 * Checks the stack the options point at.
	 * @param options option values by name ({@code orders-db-url}, ...)
	 * @param out where the progress and the report go
	 * @return 0 when every invariant holds, 1 on any violation
	 * @throws IllegalArgumentException naming the option that is missing or malformed
	 */
	static int run(Map<String, String> options, PrintStream out) {
		Map<String, String> settings = withReadyFile(options);
		String ordersUrl = required(settings, "orders-db-url");
		String consumerUrl = required(settings, "consumer-db-url");
		String user = settings.getOrDefault("db-user", "root");
		String password = settings.getOrDefault("db-password", System.getenv().getOrDefault("DB_PASSWORD", ""));
		String nameServer = required(settings, "namesrv");
		List<String> groups = Arrays.asList(settings.getOrDefault("groups", DEFAULT_GROUPS).split(","));
		Duration quietTimeout = parseTimeout(settings.getOrDefault("quiet-timeout", DEFAULT_QUIET_TIMEOUT));
		Map<String, Integer> baseline = parseBaseline(settings.get("stock-baseline"));
		BigDecimal fundsBaseline = parseFundsBaseline(settings.get("funds-baseline"));
		DatabaseInvariants database = new DatabaseInvariants(new DriverManagerDataSource(ordersUrl, user, password),
				new DriverManagerDataSource(consumerUrl, user, password));
		try (BrokerInvariants broker = new BrokerInvariants(nameServer, groups)) {
			Quiet quiet = Quiet.await(database, broker, quietTimeout, out);
			out.println("quiet: " + quiet);
			Report report = check(database, broker, baseline, fundsBaseline);
			report.print(out);
			return report.ok() ? 0 : 1;
		}
	}

	/** Checks both databases and the broker once, without a funds baseline. */
	public static Report check(DatabaseInvariants database, BrokerInvariants broker, Map<String, Integer> baseline) {
		return check(database, broker, baseline, null);
	}

	/**
	 * Checks both databases and the broker once.
	 * @param stockBaseline {@link DatabaseInvariants#stockUnits()} before the run, or
	 * empty
	 * @param fundsBaseline {@link DatabaseInvariants#funds()} before the run, or
	 * {@code null}
	 */
	public static Report check(DatabaseInvariants database, BrokerInvariants broker, Map<String, Integer> stockBaseline,
			BigDecimal fundsBaseline) {
		Report report = new Report();
		database.check(report, stockBaseline, fundsBaseline);
		broker.check(report, database::halvesResolved);
		return report;
	}

	/** How the wait for quiet ended. */
	public record Quiet(boolean reached, Duration waited, int ordersInFlight, int effectsSettling, long outboxPending,
			long webhooksPending, BrokerInvariants.State broker) {

		private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

		/**
		 * Polls until no order is in flight, every final order's effects are settled, no
		 * event waits in a local message table, no half message is open and no group
		 * lags, no webhook notification of an endpoint that is not disabled is pending,
		 * or the timeout passes (then the report shows what is still moving). Prints what
		 * it still waits for every 10 s.
		 */
		public static Quiet await(DatabaseInvariants database, BrokerInvariants broker, Duration timeout,
				PrintStream progress) {
			long start = System.nanoTime();
			long deadline = start + timeout.toNanos();
			long nextProgress = start + PROGRESS_EVERY.toNanos();
			while (true) {
				int inFlight = database.ordersInFlight();
				long outbox = database.outboxPending();
				long webhooks = database.webhooksPending();
				BrokerInvariants.State state = broker.read();
				int settling = (inFlight == 0 && state.quiet()) ? database.effectsSettling() : -1;
				Duration waited = Duration.ofNanos(System.nanoTime() - start);
				if (settling == 0 && outbox == 0 && webhooks == 0) {
					return new Quiet(true, waited, inFlight, 0, 0, 0, state);
				}
				if (System.nanoTime() > deadline) {
					return new Quiet(false, waited, inFlight, (settling >= 0) ? settling : database.effectsSettling(),
							outbox, webhooks, state);
				}
				if (System.nanoTime() > nextProgress) {
					progress.println("waiting for quiet: "
							+ new Quiet(false, waited, inFlight, settling, outbox, webhooks, state).what());
					nextProgress += PROGRESS_EVERY.toNanos();
				}
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return new Quiet(false, waited, inFlight, settling, outbox, webhooks, state);
				}
			}
		}

		private String what() {
			return this.ordersInFlight + " orders in flight, "
					+ ((this.effectsSettling < 0) ? "effects not yet counted"
							: this.effectsSettling + " final orders with effects still settling")
					+ ", " + this.outboxPending + " outbox rows pending, " + this.webhooksPending
					+ " webhook notifications pending, " + this.broker.unresolvedHalf() + " half messages open, lag "
					+ this.broker.lag();
		}

		@Override
		public String toString() {
			return (this.reached ? "reached after " : "NOT reached after ") + this.waited.toMillis() + " ms (" + what()
					+ ")";
		}

	}

	/**
	 * Options given explicitly win over the ready file that {@code local-stack.jar infra}
	 * and {@code up} write.
	 */
	static Map<String, String> withReadyFile(Map<String, String> options) {
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

	/**
	 * {@code SKU=units,SKU=units}: available + reserved + sold per SKU before the run.
	 */
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

	/** An amount such as {@code 0} or {@code -12.50}, or none. */
	static BigDecimal parseFundsBaseline(String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return new BigDecimal(text.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--funds-baseline: '" + text + "' is not an amount");
		}
	}

	/** {@code 120s}, {@code 5m}: a number and a unit (s, m, h). */
	static Duration parseTimeout(String text) {
		try {
			return Duration.parse("PT" + text.trim().toUpperCase());
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("--quiet-timeout must look like 120s or 5m, got '" + text + "'");
		}
	}

	/** The message, then where to look: the usage help would bury it. */
	private static int invalidInput(ParameterException ex, String[] args) {
		CommandLine command = ex.getCommandLine();
		PrintWriter err = command.getErr();
		err.println("invariant-checker: " + ex.getMessage());
		UnmatchedArgumentException.printSuggestions(ex, err);
		err.print(command.getHelp().fullSynopsis());
		err.printf("Try '%s --help' for more information.%n", command.getCommandSpec().qualifiedName());
		err.flush();
		return command.getCommandSpec().exitCodeOnInvalidInput();
	}

	private static int cannotCheck(Exception ex, CommandLine command, ParseResult parseResult) {
		command.getErr().println("invariant-checker: cannot check: " + ex.getMessage());
		command.getErr().flush();
		return 2;
	}

	/** The version in the jar's manifest. */
	static final class Version implements IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = InvariantChecker.class.getPackage().getImplementationVersion();
			return new String[] { "invariant-checker " + ((version != null) ? version : "(not run from its jar)") };
		}

	}

}
