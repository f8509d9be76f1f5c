package io.txorders.benchmark;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measuring loops count what happened; their figures are printed, never asserted on
 * in the benchmark itself.
 */
class MeasurementTest {

	@Test
	void aClosedLoopCountsSuccessesAndFailuresSeparately() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		Measurement.Result result = Measurement.closedLoop("test", 2, Duration.ofMillis(300),
				() -> due -> calls.incrementAndGet() % 2 == 0);

		assertThat(result.ok() + result.failed()).isEqualTo(calls.get());
		assertThat(result.ok()).isPositive();
		assertThat(result.failed()).isPositive();
		assertThat(result.load()).isEqualTo("2 clients");
	}

	@Test
	void anOpenLoopOffersExactlyRateTimesDuration() throws Exception {
		Measurement.Result result = Measurement.openLoop("test", 100, Duration.ofSeconds(1), 4, () -> due -> true);

		assertThat(result.ok()).isEqualTo(100);
		assertThat(result.failed()).isZero();
	}

	@Test
	void anOpenLoopCountsLatencyFromWhenEachOperationWasDue() throws Exception {
		// One worker, 20 operations due every 10 ms, each taking 50 ms: later ones start
		// late, and that lateness is part of their latency.
		Measurement.Result result = Measurement.openLoop("test", 100, Duration.ofMillis(200), 1, () -> due -> {
			Thread.sleep(50);
			return true;
		});

		assertThat(result.max()).isGreaterThan(500);
	}

	@Test
	void anObserverSeesEveryOperation() throws Exception {
		AtomicInteger seen = new AtomicInteger();
		Measurement.Result result = Measurement.openLoop("test", 100, Duration.ofMillis(300), 2, () -> due -> true,
				(latencyMicros, success) -> seen.incrementAndGet());

		assertThat(seen.get()).isEqualTo(30).isEqualTo(result.ok());
	}

}
