package io.txorders.benchmark;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * CPU time per order: the arithmetic, finding the database's process by its port, and the
 * summary line that compares the service with baseline B.
 */
class CpuUseTest {

	private static final CpuUse.Counted PRODUCER = new CpuUse.Counted("producer-service", 10);

	private static final CpuUse.Counted DATABASE = new CpuUse.Counted("database (mariadbd)", 11);

	@Test
	void eachProcessIsChargedItsCpuTimeOverTheRunDividedByTheOrders() {
		Map<CpuUse.Counted, Duration> before = times(Duration.ofSeconds(10), Duration.ofSeconds(5));
		Map<CpuUse.Counted, Duration> after = times(Duration.ofSeconds(16), Duration.ofMillis(7500));

		CpuUse.PerOrder run = CpuUse.perOrder("service: POST /orders, 32 clients", 1000, before, after);

		assertThat(run.millisByProcess()).containsEntry("producer-service", 6.0)
			.containsEntry("database (mariadbd)", 2.5);
		assertThat(run.totalMillis()).isEqualTo(8.5);
	}

	@Test
	void aProcessGoneDuringTheRunOrARunWithoutOrdersGivesNoFigure() {
		Map<CpuUse.Counted, Duration> before = times(Duration.ofSeconds(10), Duration.ofSeconds(5));
		Map<CpuUse.Counted, Duration> after = new LinkedHashMap<>(Map.of(PRODUCER, Duration.ofSeconds(16)));

		assertThat(CpuUse.perOrder("gone", 1000, before, after).totalMillis()).isNaN();
		assertThat(CpuUse.perOrder("empty", 0, before, before).millisByProcess().get("producer-service")).isNaN();
	}

	@Test
	void listeningSocketsAreReadFromProcNetTcp() {
		String table = """
				  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
				   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 21345 1 0000000000000000 100 0 0 10 0
				   1: 0100007F:0CEA 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   106        0 99999 1 0000000000000000 20 4 30 10 -1
				   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
				""";

		assertThat(CpuUse.listeningInodes(table, 3306)).containsExactly("21345");
		assertThat(CpuUse.listeningInodes(table, 8080)).containsExactly("31337");
		assertThat(CpuUse.listeningInodes(table, 9876)).isEmpty();
	}

	@Test
	void theProcessListeningOnAPortIsFound() throws Exception {
		assumeThat(System.getProperty("os.name")).as("/proc is Linux's").isEqualTo("Linux");
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThat(CpuUse.listeningPid(server.getLocalPort())).hasValue(ProcessHandle.current().pid());
		}
	}

	@Test
	void thisJvmsCpuTimeIsReadAndGrows() {
		CpuUse.Counted self = new CpuUse.Counted("benchmark JVM", ProcessHandle.current().pid());
		Duration before = CpuUse.snapshot(List.of(self)).get(self);
		long spin = System.nanoTime() + Duration.ofMillis(200).toNanos();
		double sink = 0;
		while (System.nanoTime() < spin) {
			sink += Math.sqrt(sink + 1);
		}
		Duration after = CpuUse.snapshot(List.of(self)).get(self);

		assertThat(sink).isPositive();
		assertThat(after).isGreaterThan(before);
	}

	@Test
	void theJdbcUrlGivesTheDatabasePort() {
		assertThat(CpuUse.port("jdbc:mysql://127.0.0.1:3307/orders?useServerPrepStmts=true")).isEqualTo(3307);
		assertThat(CpuUse.port("jdbc:mariadb://localhost/orders")).isEqualTo(3306);
	}

	@Test
	void theSummaryComparesTheBestServiceRunWithTheBestBaselineBRun() {
		List<Measurement.Result> results = List.of(result("service: POST /orders", "16 clients", 150),
				result("service: POST /orders", "32 clients", 180),
				result("service: POST /orders, open loop at 70% of max", "126/s offered", 126),
				result("baseline B: the saga's SQL over JDBC", "32 clients", 700));
		List<CpuUse.PerOrder> cpu = List.of(perOrder("service: POST /orders, 16 clients", 12),
				perOrder("service: POST /orders, 32 clients", 10),
				perOrder("service: POST /orders, open loop at 70% of max, 126/s offered", 9),
				perOrder("baseline B: the saga's SQL over JDBC, 32 clients", 2.5));
		Map<String, Object> figures = new LinkedHashMap<>();

		String line = Benchmark.cpuLine(cpu, results, figures).orElseThrow();

		assertThat(figures).containsEntry("cpuPerOrderServiceMs", 10.0).containsEntry("cpuPerOrderBaselineBMs", 2.5);
		int cores = Runtime.getRuntime().availableProcessors();
		assertThat(line).startsWith("CPU per order: service 10.00 ms")
			.contains("at most " + (cores * 100) + " orders/s on " + cores + " cores")
			.endsWith("baseline B 2.50 ms (JDBC client and database): the service costs 4.0 times B's CPU per order");
		assertThat(Benchmark.cpuLine(List.of(), results, new LinkedHashMap<>())).isEmpty();
	}

	@Test
	void theSummaryComparesTheDatabasesShareWhenTheDatabaseWasFound() {
		List<Measurement.Result> results = List.of(result("service: POST /orders", "32 clients", 180),
				result("baseline B: the saga's SQL over JDBC", "32 clients", 700));
		String database = Benchmark.DATABASE_PREFIX + "mariadbd)";
		List<CpuUse.PerOrder> cpu = List.of(
				new CpuUse.PerOrder("service: POST /orders, 32 clients", 180,
						Map.of("producer-service", 6.0, database, 2.0), 8.0),
				new CpuUse.PerOrder("baseline B: the saga's SQL over JDBC, 32 clients", 700,
						Map.of("benchmark JVM", 0.5, database, 1.2), 1.7));
		Map<String, Object> figures = new LinkedHashMap<>();

		String line = Benchmark.cpuLine(cpu, results, figures).orElseThrow();

		assertThat(figures).containsEntry("databaseCpuPerOrderServiceMs", 2.0)
			.containsEntry("databaseCpuPerOrderBaselineBMs", 1.2);
		assertThat((double) figures.get("databaseBoundEndToEndVsBaselineB")).isCloseTo(0.6, within(1e-9));
		assertThat(line).endsWith("The database's share: service 2.00 ms, B 1.20 ms; where the database alone limits "
				+ "throughput (its own host, the rest scaled out), end to end / B would be about 60%");
	}

	private static Map<CpuUse.Counted, Duration> times(Duration producer, Duration database) {
		Map<CpuUse.Counted, Duration> times = new LinkedHashMap<>();
		times.put(PRODUCER, producer);
		times.put(DATABASE, database);
		return times;
	}

	private static Measurement.Result result(String name, String load, double perSecond) {
		return new Measurement.Result(name, load, perSecond, 1, 2, 3, 4, 100, 0);
	}

	private static CpuUse.PerOrder perOrder(String run, double millis) {
		return new CpuUse.PerOrder(run, 100, Map.of("x", millis), millis);
	}

}
