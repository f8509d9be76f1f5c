package io.txorders.benchmark;

import java.io.InputStream;
import java.math.BigDecimal;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

import io.txorders.invariants.BrokerInvariants;
import io.txorders.testsupport.Accounts;
import io.txorders.testsupport.CustomerTokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The benchmark. Drives a running local stack ({@code ./deploy/local/run}) and, on the
 * same broker and database, two baselines: raw transactional sends (A) and the saga's
 * business SQL over JDBC (B). For every service run it also measures each order's
 * submit-to-CONFIRMED, samples consumer lag once a second, and follows the check-backs
 * the run caused, and the CPU time each process spent per order; at the end it reads the
 * peak RSS of every process of the stack. Prints tables and writes JSON and an HTML page
 * with charts; asserts nothing.
 * <p>
 * {@code java -jar benchmark/target/benchmark.jar --help} lists the options with their
 * defaults: how long and how hard to load, where the stack and the results are.
 * <p>
 * {@code --unknown-run}: the stack's producer-service was started with
 * {@code TXORDERS_BENCHMARK_UNKNOWN_PERCENT} (benchmark/README.md); the service runs
 * only, written to {@code results-unknown.json} and {@code report-unknown.html}, and
 * whether every UNKNOWN resolved in time.
 */
@Command(name = "java -jar benchmark.jar", mixinStandardHelpOptions = true, versionProvider = Benchmark.Version.class,
		showDefaultValues = true, sortOptions = false, abbreviateSynopsis = true,
		description = {
				"Drives a running local stack (./deploy/local/run) and measures it next to two baselines on the"
						+ " same broker and database: raw transactional sends (A) and the saga's SQL over JDBC (B).",
				"Prints tables, writes JSON and an HTML page with charts; asserts nothing." })
public final class Benchmark implements Callable<Integer> {

	private static final String SKU = "BENCH-1";

	/** How the CPU tables name the database's process: "database (mariadbd)". */
	static final String DATABASE_PREFIX = "database (";

	private static final long RSS_TARGET_MIB = 2048;

	private static final double OPEN_LOOP_CONFIRM_P99_TARGET_MS = 500;

	/**
	 * Deposited for each benchmark customer at the start of every run: far more than a
	 * run's orders cost (9.99 each), so payment never rejects one.
	 */
	static final BigDecimal FUNDS_PER_RUN = new BigDecimal("1000000.00");

	/** What every service run needs. */
	private record Stack(URI target, String ordersUrl, String user, String password, Duration poll,
			BrokerInvariants broker, BrokerTimings timings, List<CpuUse.Counted> processes, List<CpuUse.PerOrder> cpu) {
	}

	/**
	 * One load against the service, recording into the run's settlements and timeline.
	 */
	private interface Load {

		Measurement.Result run(Settlements settlements, Measurement.Observer observer) throws Exception;

	}

	@Option(names = "--seconds", paramLabel = "<s>", defaultValue = "20", description = "Length of each measured run.")
	long seconds;

	@Option(names = "--warm-up-seconds", paramLabel = "<s>", defaultValue = "15",
			description = "Load on the service before its first measured run.")
	long warmUpSeconds;

	@Option(names = "--clients", paramLabel = "<n>", split = ",", defaultValue = "8,16,32",
			description = "Closed-loop runs, one per number of concurrent clients; then an open loop at 70%% of the"
					+ " best.")
	List<Integer> clients;

	@Option(names = "--open-loop-rates", paramLabel = "<per-s>", split = ",", showDefaultValue = Visibility.NEVER,
			description = { "Further open-loop runs, one per rate (orders a second).", "  Default: none" })
	List<Integer> openLoopRates = List.of();

	@Option(names = "--target", paramLabel = "<url>", defaultValue = "http://127.0.0.1:8080",
			description = "producer-service's base URL.")
	URI target;

	@Option(names = "--ready-file", paramLabel = "<path>", defaultValue = ".local-stack/infra.ready",
			description = "Ready file of the running local stack: its databases, NameServer and pid.")
	Path readyFile;

	@Option(names = "--sql-dir", paramLabel = "<dir>", defaultValue = "sql",
			description = "The repo's sql/ folder, for baseline B's statements.")
	Path sqlDir;

	@Option(names = "--out", paramLabel = "<file.json>", description = { "Where the JSON results go.",
			"  Default: target/benchmark/results.json (results-unknown.json with --unknown-run)" })
	Path out;

	@Option(names = "--chart", paramLabel = "<file.html>", description = { "Where the HTML page with charts goes.",
			"  Default: beside --out, named report*.html after results*.json" })
	Path chart;

	@Option(names = "--settle-poll-ms", paramLabel = "<ms>", defaultValue = "10",
			description = "How often new order_history rows are polled to time submit-to-CONFIRMED.")
	long settlePollMs;

	@Option(names = "--groups", paramLabel = "<group>", split = ",",
			defaultValue = "inventory,payment,points,order-replies",
			description = "Consumer groups whose lag is sampled.")
	List<String> groups;

	@Option(names = "--pids", paramLabel = "<pid>", split = ",", showDefaultValue = Visibility.NEVER,
			description = { "Further processes to count in the CPU and memory tables.", "  Default: none" })
	List<Long> pids = List.of();

	@Option(names = "--baselines", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
			description = { "Run baselines A and B after the service.", "  Default: true (false with --unknown-run)" })
	Boolean baselines;

	@Option(names = "--unknown-run", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
			defaultValue = "false", showDefaultValue = Visibility.ALWAYS,
			description = "The check-back run: producer-service was started with TXORDERS_BENCHMARK_UNKNOWN_PERCENT;"
					+ " service runs only, and whether every UNKNOWN resolved in time.")
	boolean unknownRun;

	@Option(names = "--compare", paramLabel = "<results.json>", split = ",", showDefaultValue = Visibility.NEVER,
			description = { "Only print the service runs of earlier results side by side (e.g. one per transport:"
					+ " a stack started with --transport=remoting, then one with --transport=grpc); no stack is needed.",
					"  Default: none" })
	List<Path> compare = List.of();

	@Option(names = "--transaction-timeout-ms", paramLabel = "<ms>",
			description = { "The broker's transactionTimeOut, for the bound on resolving an UNKNOWN.",
					"  Default: read from the broker" })
	Long transactionTimeoutMs;

	@Option(names = "--webhook-receivers", paramLabel = "<n>", defaultValue = "0",
			description = { "Merchants' HTTP receivers to run here and register through the admin API (ADMIN_USERNAME,",
					"  ADMIN_PASSWORD): every confirmed order is also POSTed to each. Default: ${DEFAULT-VALUE}" })
	int webhookReceivers;

	@Option(names = "--transaction-check-interval-ms", paramLabel = "<ms>", description = {
			"The broker's transactionCheckInterval, for the same bound.", "  Default: read from the broker" })
	Long transactionCheckIntervalMs;

	private Benchmark() {
	}

	public static void main(String[] args) {
		System.exit(commandLine().execute(args));
	}

	/**
	 * The command line: invalid input exits 2 with a message naming what is wrong, and a
	 * stack it cannot measure (no ready file, a broker it cannot read) exits 1.
	 * @return the command line, ready to execute
	 */
	static CommandLine commandLine() {
		return new CommandLine(new Benchmark()).setParameterExceptionHandler(Benchmark::invalidInput)
			.setExecutionExceptionHandler(Benchmark::cannotRun);
	}

	/** The message, then where to look: the usage help would bury it. */
	private static int invalidInput(ParameterException ex, String[] args) {
		CommandLine command = ex.getCommandLine();
		PrintWriter err = command.getErr();
		err.println("benchmark: " + ex.getMessage());
		UnmatchedArgumentException.printSuggestions(ex, err);
		err.print(command.getHelp().fullSynopsis());
		err.printf("Try '%s --help' for more information.%n", command.getCommandSpec().qualifiedName());
		err.flush();
		return command.getCommandSpec().exitCodeOnInvalidInput();
	}

	private static int cannotRun(Exception ex, CommandLine command, ParseResult parseResult) throws Exception {
		if (!(ex instanceof IllegalStateException)) {
			throw ex;
		}
		command.getErr().println("benchmark: " + ex.getMessage());
		command.getErr().flush();
		return 1;
	}

	/** The JSON results: the option, else beside the other results. */
	Path out() {
		return (this.out != null) ? this.out
				: Path.of(this.unknownRun ? "target/benchmark/results-unknown.json" : "target/benchmark/results.json");
	}

	/** The HTML page: the option, else beside the JSON and named after it. */
	Path chart() {
		Path json = out();
		return (this.chart != null) ? this.chart : json.resolveSibling(
				json.getFileName().toString().replace("results", "report").replaceFirst("\\.json$", "") + ".html");
	}

	boolean baselines() {
		return (this.baselines != null) ? this.baselines : !this.unknownRun;
	}

	/** The broker timings given, by option name, for {@link BrokerTimings#of}. */
	Map<String, String> brokerTimings() {
		Map<String, String> given = new HashMap<>();
		if (this.transactionTimeoutMs != null) {
			given.put("transaction-timeout-ms", this.transactionTimeoutMs.toString());
		}
		if (this.transactionCheckIntervalMs != null) {
			given.put("transaction-check-interval-ms", this.transactionCheckIntervalMs.toString());
		}
		return given;
	}

	@Override
	public Integer call() throws Exception {
		if (!this.compare.isEmpty()) {
			Comparison.of(this.compare).forEach((line) -> say("%s", line));
			return 0;
		}
		boolean unknownRun = this.unknownRun;
		URI target = this.target;
		Path readyFile = this.readyFile;
		Duration duration = Duration.ofSeconds(this.seconds);
		Duration warmUp = Duration.ofSeconds(this.warmUpSeconds);
		List<Integer> clients = this.clients;
		List<Integer> openLoopRates = this.openLoopRates;
		Path sqlDir = this.sqlDir;
		Path out = out();
		Path chart = chart();
		boolean baselines = baselines();
		Duration poll = Duration.ofMillis(this.settlePollMs);
		List<String> groups = this.groups;
		List<Long> extraPids = this.pids;
		if (!Files.isRegularFile(readyFile)) {
			throw new IllegalStateException(readyFile + " not found: start the stack first (./deploy/local/run), "
					+ "or point --ready-file at its infra.ready");
		}
		Properties ready = new Properties();
		try (InputStream in = Files.newInputStream(readyFile)) {
			ready.load(in);
		}
		String user = ready.getProperty("dbUser");
		String password = ready.getProperty("dbPassword", "");
		String ordersUrl = ready.getProperty("ordersJdbcUrl");
		String consumerUrl = ready.getProperty("consumerJdbcUrl");
		String nameServer = ready.getProperty("namesrv");
		String transport = ready.getProperty("transport", "remoting");
		stockTheBenchmarkSku(ordersUrl, consumerUrl, user, password);
		int funded = Accounts.deposit(new DriverManagerDataSource(consumerUrl, user, password), OrderApi.customers(),
				FUNDS_PER_RUN, "benchmark-" + UUID.randomUUID());
		say("funds: %d customers given %s EUR each (an order is confirmed only when payment can freeze its total)",
				funded, FUNDS_PER_RUN.toPlainString());
		BrokerTimings timings = BrokerTimings.of(nameServer, brokerTimings());

		say("machine: %d cores, Java %s; %s per run, clients %s; the apps' transport: %s%s",
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), duration, clients,
				transport, unknownRun ? "; UNKNOWN run (producer-service answers UNKNOWN for a share of orders)" : "");
		say("broker: transactionTimeOut %d ms, transactionCheckInterval %d ms (from %s): an UNKNOWN should resolve "
				+ "within %d ms", timings.timeoutMillis(), timings.checkIntervalMillis(), timings.source(),
				timings.resolveWithinMillis());
		long infraPid = Long.parseLong(ready.getProperty("pid", "-1"));
		CpuUse.Counted self = new CpuUse.Counted("benchmark JVM", ProcessHandle.current().pid());
		OptionalLong databasePid = CpuUse.listeningPid(CpuUse.port(ordersUrl));
		if (databasePid.isEmpty()) {
			say("database: no process found listening on port %d (its open files need the rights to read them); "
					+ "the CPU tables leave the database out", CpuUse.port(ordersUrl));
		}
		List<CpuUse.Counted> database = databasePid.stream()
			.mapToObj(pid -> new CpuUse.Counted(DATABASE_PREFIX + StackProcesses.name(pid) + ")", pid))
			.toList();
		List<CpuUse.Counted> stackCpu = new ArrayList<>(StackProcesses.find(infraPid, extraPids)
			.stream()
			.filter(process -> databasePid.isEmpty() || process.pid() != databasePid.getAsLong())
			.toList());
		stackCpu.addAll(database);
		List<CpuUse.Counted> infraCpu = stackCpu.stream().filter(process -> process.pid() == infraPid).toList();
		List<Measurement.Result> results = new ArrayList<>();
		List<ServiceRun> runs = new ArrayList<>();
		List<CpuUse.PerOrder> cpu = new ArrayList<>();
		Map<String, Object> figures = new LinkedHashMap<>();

		if (this.webhookReceivers < 0) {
			throw new ParameterException(new CommandLine(this), "--webhook-receivers must be 0 or more");
		}
		WebhookLoad webhooks = (this.webhookReceivers > 0) ? WebhookLoad.register(target, this.webhookReceivers) : null;
		if (webhooks != null) {
			say("webhooks: %d receivers on loopback registered for order.confirmed", this.webhookReceivers);
		}
		try (BrokerInvariants broker = new BrokerInvariants(nameServer, groups)) {
			Stack stack = new Stack(target, ordersUrl, user, password, poll, broker, timings, stackCpu, cpu);
			OrderApi api = new OrderApi(target, SKU, CustomerTokens.of(ready));
			say("service: warming up for %s", warmUp);
			Measurement.closedLoop("warm-up", 8, warmUp, () -> api.placeOrder(Settlements.ignoring()));
			figures.put("drainAfterWarmUpSeconds", drain(ordersUrl, user, password));
			for (int n : clients) {
				runs.add(serviceRun(stack, (settlements, observer) -> Measurement.closedLoop("service: POST /orders", n,
						duration, () -> api.placeOrder(settlements), observer)));
				figures.put("drainAfter" + n + "ClientsSeconds", runs.get(runs.size() - 1).drainSeconds());
			}
			double bestService = runs.stream().mapToDouble(run -> run.http().perSecond()).max().orElse(0);
			runs.add(serviceRun(stack,
					(settlements, observer) -> Measurement.openLoop("service: POST /orders, open loop at 70% of max",
							0.7 * bestService, duration, 64, () -> api.placeOrder(settlements), observer)));
			figures.put("drainAfterOpenLoopSeconds", runs.get(runs.size() - 1).drainSeconds());
			// 70% of the HTTP maximum can be more than the consumers sustain; fixed rates
			// show where submit-to-CONFIRMED stays bounded.
			for (int rate : openLoopRates) {
				runs.add(serviceRun(stack,
						(settlements, observer) -> Measurement.openLoop(
								"service: POST /orders, open loop at " + rate + "/s", rate, duration, 64,
								() -> api.placeOrder(settlements), observer)));
				figures.put("drainAfterOpenLoop" + rate + "Seconds", runs.get(runs.size() - 1).drainSeconds());
			}
		}
		catch (Exception | Error ex) {
			if (webhooks != null) {
				// The receivers go with this JVM: their endpoints must not outlive it.
				webhooks.close();
			}
			throw ex;
		}
		if (webhooks != null) {
			try (webhooks) {
				figures.put("webhooks", webhooks.drainAndReport());
			}
		}
		runs.forEach(run -> results.add(run.http()));
		// Before the baselines: baseline A's hundreds of thousands of messages go through
		// the same broker, and its memory-mapped commit log counts in infra's RSS.
		long peakAfterServiceKiB = total(StackProcesses.read(infraPid, extraPids), StackProcesses.Memory::peakKiB);

		if (baselines) {
			try (RawTransactionalSends raw = new RawTransactionalSends(nameServer, "order-events")) {
				Measurement.closedLoop("warm-up", 8, Duration.ofSeconds(5), raw::send);
				List<CpuUse.Counted> processes = new ArrayList<>(infraCpu);
				processes.add(self);
				for (int n : clients) {
					cpu.add(CpuUse.measure("baseline A: raw transactional sends, " + n + " clients", processes,
							() -> add(results, show(Measurement.closedLoop("baseline A: raw transactional sends", n,
									duration, raw::send)))));
				}
			}
			String parameters = ordersUrl.substring(ordersUrl.indexOf('?'));
			DirectSql direct = new DirectSql(ready.getProperty("dbUrl"), user, password, sqlDir, SKU, parameters);
			Measurement.closedLoop("warm-up", 8, Duration.ofSeconds(5), direct::order);
			List<CpuUse.Counted> processes = new ArrayList<>(List.of(self));
			processes.addAll(database);
			for (int n : clients) {
				cpu.add(CpuUse.measure("baseline B: the saga's SQL over JDBC, " + n + " clients", processes,
						() -> add(results, show(Measurement.closedLoop("baseline B: the saga's SQL over JDBC", n,
								duration, direct::order)))));
			}
		}

		List<StackProcesses.Memory> processes = StackProcesses.read(infraPid, extraPids);

		double bestService = best(results, "service");
		double bestA = best(results, "baseline A");
		double bestB = best(results, "baseline B");
		ServiceRun openLoop = runs.get(runs.size() - 1 - openLoopRates.size());
		long peakKiB = total(processes, StackProcesses.Memory::peakKiB);
		long rssKiB = total(processes, StackProcesses.Memory::rssKiB);
		long fileKiB = total(processes, StackProcesses.Memory::fileKiB);
		figures.put("serviceMaxPerSecond", bestService);
		if (baselines) {
			figures.put("baselineAMaxPerSecond", bestA);
			figures.put("baselineBMaxPerSecond", bestB);
			figures.put("serviceVsBaselineB", bestService / bestB);
			figures.put("serviceVsBaselineA", bestService / bestA);
		}
		figures.put("openLoopConfirmP50Ms", openLoop.confirm().p50());
		figures.put("openLoopConfirmP99Ms", openLoop.confirm().p99());
		figures.put("openLoopConfirmMaxMs", openLoop.confirm().max());
		figures.put("openLoopConfirmP99Below500Ms", openLoop.confirm().p99() < OPEN_LOOP_CONFIRM_P99_TARGET_MS);
		figures.put("peakRssTotalMiB", peakKiB / 1024);
		figures.put("peakRssWithin2GiB", peakKiB / 1024 <= RSS_TARGET_MIB);
		figures.put("peakRssAfterServiceRunsMiB", peakAfterServiceKiB / 1024);
		figures.put("rssTotalMiB", rssKiB / 1024);
		figures.put("rssFileBackedTotalMiB", fileKiB / 1024);
		figures.put("unknownResolveWithinMs", timings.resolveWithinMillis());
		boolean anyUnknown = runs.stream().anyMatch(run -> run.checkbacks().unknownAnswered() > 0);
		boolean everyUnknownInTime = runs.stream()
			.filter(run -> run.checkbacks().any())
			.allMatch(run -> run.checkbacks().everyUnknownResolvedInTime());
		if (anyUnknown || unknownRun) {
			figures.put("everyUnknownResolvedInTime", anyUnknown && everyUnknownInTime);
		}

		List<ReportPage.Table> tables = new ArrayList<>();
		tables.add(httpTable(results));
		tables.add(confirmTable(runs, groups));
		if (runs.stream().anyMatch(run -> run.checkbacks().any()) || unknownRun) {
			tables.add(checkbackTable(runs));
		}
		tables.add(cpuTable(cpu));
		tables.add(memoryTable(processes, peakKiB, rssKiB, fileKiB));
		List<String> lines = new ArrayList<>();
		if (baselines) {
			lines.add(String.format(Locale.ROOT, "service / baseline B (same SQL, no messaging): %.0f%%",
					100 * bestService / bestB));
			lines.add(String.format(Locale.ROOT, "service / baseline A (raw transactional sends): %.0f%%",
					100 * bestService / bestA));
		}
		else {
			lines.add("baselines not run (--baselines=false): no ratios");
		}
		cpuLine(cpu, results, figures).ifPresent(lines::add);
		lines.add(String.format(Locale.ROOT,
				"open loop at 70%% of max: submit to CONFIRMED p50 %s ms, p99 %s ms, max %s ms (target: p99 below %.0f ms: %s)",
				ms(openLoop.confirm().p50()), ms(openLoop.confirm().p99()), ms(openLoop.confirm().max()),
				OPEN_LOOP_CONFIRM_P99_TARGET_MS,
				(openLoop.confirm().p99() < OPEN_LOOP_CONFIRM_P99_TARGET_MS) ? "met" : "NOT met"));
		lines.add(String.format(Locale.ROOT, "peak RSS of the stack's %d processes: %.2f GiB (target: 2 GiB: %s)%s",
				processes.size(), peakKiB / 1024.0 / 1024.0, (peakKiB / 1024 <= RSS_TARGET_MIB) ? "met" : "NOT met",
				StackProcesses.launcherFound(infraPid) ? ""
						: "; the local-stack launcher was not found, so only infra and --pids are counted"));
		if (baselines) {
			lines.add(String.format(Locale.ROOT,
					"peak RSS after the service runs, before the baselines: %.2f GiB (target: 2 GiB: %s); baseline A's "
							+ "sends then go through the same broker's memory-mapped commit log",
					peakAfterServiceKiB / 1024.0 / 1024.0,
					(peakAfterServiceKiB / 1024 <= RSS_TARGET_MIB) ? "met" : "NOT met"));
		}
		lines.add(String.format(Locale.ROOT,
				"resident now: %.2f GiB, of which %.2f GiB file-backed (memory-mapped files such as the broker's "
						+ "commit log: page cache the kernel can reclaim, not heap)",
				rssKiB / 1024.0 / 1024.0, fileKiB / 1024.0 / 1024.0));
		lines.add(precision(runs, poll));
		if (anyUnknown || unknownRun) {
			lines.add(anyUnknown ? String.format(Locale.ROOT,
					"every UNKNOWN resolved (COMMIT from a check-back, order CONFIRMED) within transactionTimeOut + 2 x "
							+ "transactionCheckInterval = %d ms: %s",
					timings.resolveWithinMillis(), everyUnknownInTime ? "yes" : "NO")
					: "producer-service answered no UNKNOWN: start the stack with TXORDERS_BENCHMARK_UNKNOWN_PERCENT=10 "
							+ "(README, Performance)");
		}
		if (anyUnknown && !unknownRun) {
			lines.add("WARNING: producer-service answered UNKNOWN in these runs (started with "
					+ "TXORDERS_BENCHMARK_UNKNOWN_PERCENT?): these are not the normal figures");
		}
		say("");
		for (ReportPage.Table table : tables) {
			table.text().forEach(line -> say("%s", line));
			say("");
		}
		lines.forEach(line -> say("%s", line));
		say("backlog drained after each service run (s): %s",
				figures.entrySet()
					.stream()
					.filter(e -> e.getKey().startsWith("drain"))
					.map(e -> e.getKey() + "=" + e.getValue())
					.toList());

		Map<String, Object> report = new LinkedHashMap<>();
		report.put("mode", unknownRun ? "unknown-run" : "normal");
		report.put("transport", transport);
		report.put("finishedAt", Instant.now().toString());
		report.put("cores", Runtime.getRuntime().availableProcessors());
		report.put("java", System.getProperty("java.version"));
		report.put("secondsPerRun", duration.toSeconds());
		report.put("settlePollMillis", poll.toMillis());
		report.put("brokerTimings", timings);
		report.put("results", results);
		report.put("serviceRuns", runs);
		report.put("processes", processes);
		report.put("cpuPerOrder", cpu);
		report.put("figures", figures);
		Files.createDirectories(out.toAbsolutePath().getParent());
		JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(out.toFile(), report);
		ReportPage.write(chart,
				"txorders benchmark" + (unknownRun ? ", UNKNOWN run" : "") + ", " + Instant.now().toString(),
				List.of(String.format(Locale.ROOT, "%d cores, Java %s, %d s per run, clients %s",
						Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
						duration.toSeconds(), clients)),
				tables, lines, runs, groups);
		say("written to %s and %s", out.toAbsolutePath(), chart.toAbsolutePath());
		return (unknownRun && !anyUnknown) ? 1 : 0;
	}

	/**
	 * A service run: its load, then the drain of its backlog, with its orders'
	 * settlements and its per-second timeline recorded throughout.
	 */
	private static ServiceRun serviceRun(Stack stack, Load load) throws Exception {
		Map<CpuUse.Counted, Duration> cpuBefore = CpuUse.snapshot(stack.processes());
		ServiceRun run = measuredServiceRun(stack, load);
		stack.cpu().add(CpuUse.perOrder(run.title(), run.http().ok(), cpuBefore, CpuUse.snapshot(stack.processes())));
		return run;
	}

	private static ServiceRun measuredServiceRun(Stack stack, Load load) throws Exception {
		long unknownBefore = PrometheusText.unknownAnswers(stack.target());
		Settlements settlements = new Settlements(stack.ordersUrl(), stack.user(), stack.password(), stack.poll());
		Timeline timeline = new Timeline(settlements, stack.broker());
		Measurement.Result http;
		double drained;
		try {
			http = show(load.run(settlements, timeline.observer()));
			timeline.drainStarted();
			drained = drain(stack.ordersUrl(), stack.user(), stack.password());
		}
		finally {
			timeline.stop();
			settlements.close();
		}
		long unknownAfter = PrometheusText.unknownAnswers(stack.target());
		long unknown = (unknownBefore < 0 || unknownAfter < 0) ? -1 : unknownAfter - unknownBefore;
		Settlements.Summary confirm = settlements.summary();
		Resolutions checkbacks = Resolutions.of(settlements, confirm, unknown, stack.timings(), stack.ordersUrl(),
				stack.user(), stack.password());
		say("  submit to CONFIRMED: p50 %s ms, p99 %s ms, max %s ms (%d orders, %d confirmed, %d not settled)",
				ms(confirm.p50()), ms(confirm.p99()), ms(confirm.max()), confirm.submitted(), confirm.confirmed(),
				confirm.unsettled());
		if (checkbacks.any()) {
			say("  UNKNOWN answered %s, checked back %d, resolved by COMMIT %d: p50 %s ms, p99 %s ms, max %s ms",
					(unknown < 0) ? "?" : unknown, checkbacks.checkedBack(), checkbacks.resolved(),
					ms(checkbacks.resolveP50()), ms(checkbacks.resolveP99()), ms(checkbacks.resolveMax()));
		}
		if (confirm.pollErrors() > 0) {
			say("  %d polls of order_history failed, the last with: %s", confirm.pollErrors(), confirm.lastPollError());
		}
		if (timeline.lagErrors() > 0) {
			say("  %d reads of the broker's lag failed, the last with: %s", timeline.lagErrors(),
					timeline.lastLagError());
		}
		return new ServiceRun(http, confirm, drained, checkbacks, timeline.loadEndedAt(), timeline.seconds(),
				timeline.lag(), timeline.lagErrors(), timeline.lastLagError());
	}

	private static ReportPage.Table httpTable(List<Measurement.Result> results) {
		List<List<String>> rows = new ArrayList<>();
		for (Measurement.Result r : results) {
			rows.add(List.of(r.name(), r.load(), fixed(r.perSecond(), 0), fixed(r.p50(), 1), fixed(r.p95(), 1),
					fixed(r.p99(), 1), fixed(r.max(), 1), Long.toString(r.ok()), Long.toString(r.failed())));
		}
		return new ReportPage.Table("Throughput and HTTP latency (open loop: from when each request was due)",
				List.of("what", "load", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", "ok", "failed"), rows);
	}

	private static ReportPage.Table confirmTable(List<ServiceRun> runs, List<String> groups) {
		List<String> header = new ArrayList<>(List.of("what", "load", "orders", "confirmed", "p50 ms", "p99 ms",
				"max ms", "not settled", "drained in s"));
		groups.forEach(group -> header.add("max lag " + group));
		List<List<String>> rows = new ArrayList<>();
		for (ServiceRun run : runs) {
			Settlements.Summary c = run.confirm();
			List<String> row = new ArrayList<>(List.of(run.http().name(), run.http().load(),
					Long.toString(c.submitted()), Long.toString(c.confirmed()), ms(c.p50()), ms(c.p99()), ms(c.max()),
					Long.toString(c.unsettled()), fixed(run.drainSeconds(), 1)));
			groups.forEach(group -> row.add((run.maxLag(group) < 0) ? "?" : Long.toString(run.maxLag(group))));
			rows.add(row);
		}
		return new ReportPage.Table("Submit to CONFIRMED, per order, and consumer lag (sampled every second)", header,
				rows);
	}

	private static ReportPage.Table checkbackTable(List<ServiceRun> runs) {
		List<List<String>> rows = new ArrayList<>();
		for (ServiceRun run : runs) {
			Resolutions r = run.checkbacks();
			rows.add(List.of(run.http().name(), run.http().load(), fixed(run.http().perSecond(), 0),
					(r.unknownAnswered() < 0) ? "?" : Long.toString(r.unknownAnswered()),
					Long.toString(r.checkedBack()), Long.toString(r.resolved()), r.answers().toString(),
					ms(r.resolveP50()), ms(r.resolveP99()), ms(r.resolveMax()), ms(r.confirmP99()),
					ms(r.othersConfirmP99()), r.withinBound() + " of " + r.resolved(),
					r.any() ? (r.everyUnknownResolvedInTime() ? "yes" : "NO") : "-"));
		}
		return new ReportPage.Table(
				"Check-backs: orders answered UNKNOWN, resolved by the broker's check-back (times from submission)",
				List.of("what", "load", "per s", "UNKNOWN answered", "checked back", "resolved", "answers",
						"resolve p50 ms", "resolve p99 ms", "resolve max ms", "to CONFIRMED p99 ms",
						"the others' p99 ms",
						"within " + (runs.isEmpty() ? "?" : runs.get(0).checkbacks().boundMillis()) + " ms",
						"all in time"),
				rows);
	}

	private static ReportPage.Table cpuTable(List<CpuUse.PerOrder> cpu) {
		List<String> names = cpu.stream().flatMap(run -> run.millisByProcess().keySet().stream()).distinct().toList();
		List<String> header = new ArrayList<>(List.of("what", "orders"));
		header.addAll(names);
		header.add("total");
		List<List<String>> rows = new ArrayList<>();
		for (CpuUse.PerOrder run : cpu) {
			List<String> row = new ArrayList<>(List.of(run.run(), Long.toString(run.orders())));
			names.forEach(name -> row
				.add(run.millisByProcess().containsKey(name) ? fixed(run.millisByProcess().get(name), 2) : ""));
			row.add(fixed(run.totalMillis(), 2));
			rows.add(row);
		}
		return new ReportPage.Table("CPU milliseconds per order (or send), by process: user + system time from /proc "
				+ "over the run and, for the service, the drain of its backlog; the benchmark's own polls of the "
				+ "database and the broker count too", header, rows);
	}

	/**
	 * The service's CPU per order at its best closed-loop run against baseline B's at its
	 * best, and the ceiling that puts on throughput with these cores.
	 */
	static Optional<String> cpuLine(List<CpuUse.PerOrder> cpu, List<Measurement.Result> results,
			Map<String, Object> figures) {
		Optional<CpuUse.PerOrder> service = atBest(cpu, results, "service: POST /orders");
		Optional<CpuUse.PerOrder> direct = atBest(cpu, results, "baseline B");
		if (service.isEmpty() || !Double.isFinite(service.get().totalMillis())) {
			return Optional.empty();
		}
		int cores = Runtime.getRuntime().availableProcessors();
		double serviceMillis = service.get().totalMillis();
		figures.put("cpuPerOrderServiceMs", serviceMillis);
		String line = String.format(Locale.ROOT,
				"CPU per order: service %.2f ms (stack and database, at its best closed-loop run), so at most %.0f "
						+ "orders/s on %d cores",
				serviceMillis, cores * 1000 / serviceMillis, cores);
		if (direct.isPresent() && Double.isFinite(direct.get().totalMillis())) {
			double directMillis = direct.get().totalMillis();
			figures.put("cpuPerOrderBaselineBMs", directMillis);
			line += String.format(Locale.ROOT, "; baseline B %.2f ms (JDBC client and database): the service costs "
					+ "%.1f times B's CPU per order", directMillis, serviceMillis / directMillis);
			OptionalDouble serviceDatabase = database(service.get());
			OptionalDouble directDatabase = database(direct.get());
			if (serviceDatabase.isPresent() && directDatabase.isPresent() && serviceDatabase.getAsDouble() > 0) {
				double ratio = directDatabase.getAsDouble() / serviceDatabase.getAsDouble();
				figures.put("databaseCpuPerOrderServiceMs", serviceDatabase.getAsDouble());
				figures.put("databaseCpuPerOrderBaselineBMs", directDatabase.getAsDouble());
				figures.put("databaseBoundEndToEndVsBaselineB", ratio);
				line += String.format(Locale.ROOT,
						". The database's share: service %.2f ms, B %.2f ms; where the database alone limits "
								+ "throughput (its own host, the rest scaled out), end to end / B would be about %.0f%%",
						serviceDatabase.getAsDouble(), directDatabase.getAsDouble(), ratio * 100);
			}
		}
		return Optional.of(line);
	}

	/** The database's CPU per order in a run, if its process was found. */
	private static OptionalDouble database(CpuUse.PerOrder run) {
		return run.millisByProcess()
			.entrySet()
			.stream()
			.filter(entry -> entry.getKey().startsWith(DATABASE_PREFIX) && Double.isFinite(entry.getValue()))
			.mapToDouble(Map.Entry::getValue)
			.findFirst();
	}

	/**
	 * The CPU figures of the closed-loop run with the highest throughput of this kind.
	 */
	private static Optional<CpuUse.PerOrder> atBest(List<CpuUse.PerOrder> cpu, List<Measurement.Result> results,
			String prefix) {
		return results.stream()
			.filter(result -> result.name().startsWith(prefix) && result.load().endsWith("clients"))
			.max(Comparator.comparingDouble(Measurement.Result::perSecond))
			.flatMap(
					best -> cpu.stream().filter(run -> run.run().equals(best.name() + ", " + best.load())).findFirst());
	}

	/** A size summed over the processes, those it could not be read for (-1) left out. */
	private static long total(List<StackProcesses.Memory> processes, ToLongFunction<StackProcesses.Memory> size) {
		return processes.stream().mapToLong(process -> Math.max(0, size.applyAsLong(process))).sum();
	}

	private static ReportPage.Table memoryTable(List<StackProcesses.Memory> processes, long peakKiB, long rssKiB,
			long fileKiB) {
		List<List<String>> rows = new ArrayList<>();
		for (StackProcesses.Memory process : processes) {
			rows.add(List.of(process.name(), Long.toString(process.pid()), mib(process.peakKiB()),
					mib(process.rssKiB()), mib(process.fileKiB())));
		}
		rows.add(List.of("total (target: 2048 MiB)", "", mib(peakKiB), mib(rssKiB), mib(fileKiB)));
		return new ReportPage.Table("Memory of the stack's processes at the end (/proc/PID/status)",
				List.of("process", "pid", "peak RSS MiB (VmHWM)", "RSS MiB (VmRSS)", "of it file-backed MiB (RssFile)"),
				rows);
	}

	private static String precision(List<ServiceRun> runs, Duration poll) {
		long exact = runs.stream().mapToLong(run -> run.confirm().timedByHistory()).sum();
		long polled = runs.stream().mapToLong(run -> run.confirm().timedByPoll()).sum();
		return String.format(Locale.ROOT,
				"CONFIRMED instants: %d from order_history.occurred_at (ms), %d from the poll that first saw them "
						+ "(every %d ms; the column had no milliseconds)",
				exact, polled, poll.toMillis());
	}

	/**
	 * Orders and replies still in flight finish before the next run measures anything.
	 */
	private static double drain(String ordersUrl, String user, String password) throws Exception {
		long start = System.nanoTime();
		long deadline = start + Duration.ofMinutes(5).toNanos();
		try (Connection orders = DriverManager.getConnection(ordersUrl, user, password);
				Statement statement = orders.createStatement()) {
			while (System.nanoTime() < deadline) {
				try (ResultSet rows = statement
					.executeQuery("SELECT COUNT(*) FROM orders WHERE status = 'CREATED' AND user_id LIKE 'bench-%'")) {
					rows.next();
					if (rows.getLong(1) == 0) {
						break;
					}
				}
				Thread.sleep(200);
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		say("  backlog drained in %.1f s", seconds);
		return Math.round(seconds * 10) / 10.0;
	}

	private static void stockTheBenchmarkSku(String ordersUrl, String consumerUrl, String user, String password)
			throws Exception {
		try (Connection orders = DriverManager.getConnection(ordersUrl, user, password);
				Connection consumer = DriverManager.getConnection(consumerUrl, user, password)) {
			orders.createStatement()
				.execute("INSERT INTO catalog_item (sku, name, price, currency) VALUES ('" + SKU
						+ "', 'benchmark item', " + OrderApi.PRICE + ", 'EUR') ON DUPLICATE KEY UPDATE price = "
						+ OrderApi.PRICE + ", active = TRUE");
			consumer.createStatement()
				.execute("INSERT INTO stock (sku, available) VALUES ('" + SKU + "', 1000000000) "
						+ "ON DUPLICATE KEY UPDATE available = GREATEST(available, 1000000000)");
		}
	}

	private static double best(List<Measurement.Result> results, String prefix) {
		return results.stream()
			.filter(result -> result.name().startsWith(prefix))
			.mapToDouble(Measurement.Result::perSecond)
			.max()
			.orElse(0);
	}

	private static long add(List<Measurement.Result> results, Measurement.Result result) {
		results.add(result);
		return result.ok();
	}

	private static Measurement.Result show(Measurement.Result result) {
		say("  %s, %s: %.0f/s, p50 %.1f ms, p99 %.1f ms, %d failed", result.name(), result.load(), result.perSecond(),
				result.p50(), result.p99(), result.failed());
		return result;
	}

	private static String ms(double millis) {
		return Double.isFinite(millis) ? fixed(millis, 0) : "-";
	}

	private static String fixed(double value, int decimals) {
		return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "-";
	}

	private static String mib(long kib) {
		return (kib < 0) ? "?" : Long.toString(Math.round(kib / 1024.0));
	}

	private static void say(String format, Object... args) {
		System.out.println(String.format(format, args));
	}

	/** The version in the jar's manifest. */
	static final class Version implements IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = Benchmark.class.getPackage().getImplementationVersion();
			return new String[] { "benchmark " + ((version != null) ? version : "(not run from its jar)") };
		}

	}

}
