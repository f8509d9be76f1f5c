package io.txorders.benchmark;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark. Drives a running local stack ({@code ./deploy/local/run}) and, on the
 * same broker and database, two baselines: raw transactional sends (A) and the saga's
 * business SQL over JDBC (B). Prints a table and writes JSON; asserts nothing.
 * <p>
 * {@code java -jar benchmark/target/benchmark.jar [--seconds=20] [--clients=8,16,32]
 * [--target=http://127.0.0.1:8080] [--ready-file=.local-stack/infra.ready] [--sql-dir=sql]
 * [--out=target/benchmark/results.json]}
 */
public final class Benchmark {

	private static final String SKU = "BENCH-1";

	private Benchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		URI target = URI.create(options.getOrDefault("target", "http://127.0.0.1:8080"));
		Path readyFile = Path.of(options.getOrDefault("ready-file", ".local-stack/infra.ready"));
		Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "20")));
		Duration warmUp = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warm-up-seconds", "15")));
		List<Integer> clients = Arrays.stream(options.getOrDefault("clients", "8,16,32").split(","))
			.map(String::trim)
			.map(Integer::parseInt)
			.toList();
		Path sqlDir = Path.of(options.getOrDefault("sql-dir", "sql"));
		Path out = Path.of(options.getOrDefault("out", "target/benchmark/results.json"));
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
		stockTheBenchmarkSku(ordersUrl, consumerUrl, user, password);

		say("machine: %d cores, Java %s; %s per run, clients %s", Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), duration, clients);
		List<Measurement.Result> results = new ArrayList<>();
		Map<String, Object> figures = new LinkedHashMap<>();

		OrderApi api = new OrderApi(target, SKU);
		say("service: warming up for %s", warmUp);
		Measurement.closedLoop("warm-up", 8, warmUp, api::placeOrder);
		figures.put("drainAfterWarmUpSeconds", drain(ordersUrl, user, password));
		for (int n : clients) {
			results.add(show(Measurement.closedLoop("service: POST /orders", n, duration, api::placeOrder)));
			figures.put("drainAfter" + n + "ClientsSeconds", drain(ordersUrl, user, password));
		}
		double bestService = best(results, "service");
		results.add(show(Measurement.openLoop("service: POST /orders, open loop at 70% of max", 0.7 * bestService,
				duration, 64, api::placeOrder)));
		figures.put("drainAfterOpenLoopSeconds", drain(ordersUrl, user, password));

		try (RawTransactionalSends raw = new RawTransactionalSends(ready.getProperty("namesrv"), "order-events")) {
			Measurement.closedLoop("warm-up", 8, Duration.ofSeconds(5), raw::send);
			for (int n : clients) {
				results
					.add(show(Measurement.closedLoop("baseline A: raw transactional sends", n, duration, raw::send)));
			}
		}

		String parameters = ordersUrl.substring(ordersUrl.indexOf('?'));
		DirectSql direct = new DirectSql(ready.getProperty("dbUrl"), user, password, sqlDir, SKU, parameters);
		Measurement.closedLoop("warm-up", 8, Duration.ofSeconds(5), direct::order);
		for (int n : clients) {
			results
				.add(show(Measurement.closedLoop("baseline B: the saga's SQL over JDBC", n, duration, direct::order)));
		}

		double bestA = best(results, "baseline A");
		double bestB = best(results, "baseline B");
		figures.put("serviceMaxPerSecond", bestService);
		figures.put("baselineAMaxPerSecond", bestA);
		figures.put("baselineBMaxPerSecond", bestB);
		figures.put("serviceVsBaselineB", bestService / bestB);
		figures.put("serviceVsBaselineA", bestService / bestA);
		table(results);
		say("service / baseline B (same SQL, no messaging): %.0f%%", 100 * bestService / bestB);
		say("service / baseline A (raw transactional sends): %.0f%%", 100 * bestService / bestA);
		say("backlog drained after each service run (s): %s",
				figures.entrySet()
					.stream()
					.filter(e -> e.getKey().startsWith("drain"))
					.map(e -> e.getKey() + "=" + e.getValue())
					.toList());

		Map<String, Object> report = new LinkedHashMap<>();
		report.put("cores", Runtime.getRuntime().availableProcessors());
		report.put("java", System.getProperty("java.version"));
		report.put("secondsPerRun", duration.toSeconds());
		report.put("results", results);
		report.put("figures", figures);
		Files.createDirectories(out.toAbsolutePath().getParent());
		JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(out.toFile(), report);
		say("written to %s", out.toAbsolutePath());
		System.exit(0);
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
				.execute("INSERT IGNORE INTO catalog_item (sku, name) VALUES ('" + SKU + "', 'benchmark item')");
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

	private static Measurement.Result show(Measurement.Result result) {
		say("  %s, %s: %.0f/s, p50 %.1f ms, p99 %.1f ms, %d failed", result.name(), result.load(), result.perSecond(),
				result.p50(), result.p99(), result.failed());
		return result;
	}

	static void table(List<Measurement.Result> results) {
		say("");
		say("%-50s %-16s %9s %8s %8s %8s %8s %8s %7s", "what", "load", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms",
				"ok", "failed");
		for (Measurement.Result r : results) {
			say("%-50s %-16s %9.0f %8.1f %8.1f %8.1f %8.1f %8d %7d", r.name(), r.load(), r.perSecond(), r.p50(),
					r.p95(), r.p99(), r.max(), r.ok(), r.failed());
		}
		say("");
	}

	static Map<String, String> parse(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("options look like --name=value, got " + arg);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return options;
	}

	private static void say(String format, Object... args) {
		System.out.println(String.format(format, args));
	}

}
