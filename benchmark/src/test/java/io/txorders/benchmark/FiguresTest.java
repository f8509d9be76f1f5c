package io.txorders.benchmark;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small readings the benchmark's figures rest on: Prometheus text, /proc status,
 * process names, order ids, and which instant a confirmation is given.
 */
class FiguresTest {

	@Test
	void aCounterIsSummedOverTheSeriesWithTheGivenLabels() {
		String page = """
				# HELP txorders_local_transactions_total
				# TYPE txorders_local_transactions_total counter
				txorders_local_transactions_total{answer="COMMIT",application="producer-service",kind="OrderCreated"} 900.0
				txorders_local_transactions_total{answer="UNKNOWN",application="producer-service",kind="OrderCreated"} 97.0
				txorders_local_transactions_total{answer="UNKNOWN",application="producer-service",kind="cancel"} 3.0
				txorders_local_transactions_other{answer="UNKNOWN",kind="OrderCreated"} 5.0
				""";

		assertThat(PrometheusText.sum(page, "txorders_local_transactions_total",
				Map.of("kind", "OrderCreated", "answer", "UNKNOWN")))
			.isEqualTo(97.0);
		assertThat(PrometheusText.sum(page, "txorders_local_transactions_total", Map.of("answer", "UNKNOWN")))
			.isEqualTo(100.0);
		assertThat(PrometheusText.sum(page, "missing_total", Map.of())).isZero();
	}

	@Test
	void peakAndCurrentRssAreReadFromProcStatus() {
		String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  345678 kB\nVmRSS:\t  300000 kB\n"
				+ "RssAnon:\t  250000 kB\nRssFile:\t   49000 kB\nRssShmem:\t    1000 kB\n";

		assertThat(StackProcesses.kib(status, "VmHWM")).isEqualTo(345678);
		assertThat(StackProcesses.kib(status, "VmRSS")).isEqualTo(300000);
		assertThat(StackProcesses.kib(status, "RssFile")).isEqualTo(49000);
		assertThat(StackProcesses.kib("", "VmHWM")).isEqualTo(-1);
	}

	@Test
	void thisProcessHasAPeakRss() {
		List<StackProcesses.Memory> processes = StackProcesses.read(ProcessHandle.current().pid(), List.of());

		assertThat(processes).anySatisfy(process -> {
			assertThat(process.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(process.peakKiB()).isGreaterThanOrEqualTo(process.rssKiB()).isPositive();
			// A JVM maps its libraries and modules file: some of its RSS is file-backed.
			assertThat(process.fileKiB()).isPositive().isLessThan(process.rssKiB());
		});
	}

	@Test
	void processesAreNamedByWhatTheyRun() {
		assertThat(StackProcesses.name(
				"/usr/bin/java -Xmx256m -jar /r/producer-service/target/" + "producer-service-0.1.0-SNAPSHOT-exec.jar"))
			.isEqualTo("producer-service");
		assertThat(StackProcesses.name("java -Xmx512m -jar /r/deploy/local/target/local-stack.jar infra --x=1"))
			.startsWith("infra");
		assertThat(StackProcesses.name("java -jar deploy/local/target/local-stack.jar up")).startsWith("launcher");
		assertThat(StackProcesses.name("/usr/sbin/mariadbd --port=3307")).isEqualTo("mariadbd");
	}

	@Test
	void anOrderIdCarriesTheMillisecondItWasMade() {
		// IdWorker: (millis - 1288834974657) << 22 | worker and sequence bits
		long millis = 1_790_000_000_123L;
		long id = ((millis - 1288834974657L) << 22) | 0x2A5;

		assertThat(Settlements.submittedAtMillis(id)).isEqualTo(millis);
		assertThat(OrderApi.orderId("http://127.0.0.1:8080/orders/" + id)).isEqualTo(id);
	}

	@Test
	void aConfirmationIsTimedByItsOwnMillisecondOrElseByThePollThatSawIt() {
		long seenAt = 1_000_000_050L;

		assertThat(Settlements.bestOf(seenAt, 1_000_000_012L)).as("written with milliseconds")
			.isEqualTo(1_000_000_012L);
		assertThat(Settlements.bestOf(seenAt, 1_000_000_000L)).as("written without: the poll is sooner")
			.isEqualTo(seenAt);
		assertThat(Settlements.bestOf(1_000_002_000L, 1_000_000_000L)).as("late poll: the end of its second")
			.isEqualTo(1_000_000_999L);
	}

}
