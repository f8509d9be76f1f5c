package io.txorders.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.txorders.invariants.BrokerInvariants;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One run, second by second, from its start until its backlog drained: orders placed and
 * HTTP latency (p50, p99) of the requests that ended in that second, orders confirmed and
 * their submit-to-CONFIRMED (p50, p99), and once a second each consumer group's lag and
 * the half messages not yet checked, read from the broker's admin API (as the invariant
 * checker reads them).
 */
final class Timeline {

	/** One second; latencies in ms, NaN when nothing ended in it. */
	record Second(double t, String phase, long placed, long failed, double httpP50, double httpP99, long confirmed,
			double confirmP50, double confirmP99) {
	}

	/**
	 * The broker at one instant: each group's lag, and the half messages its transaction
	 * checker has not passed yet (still open, or resolved since its last pass, which
	 * comes every transactionCheckInterval).
	 */
	record LagSample(double t, String phase, Map<String, Long> lag, long halfNotYetChecked) {
	}

	private final Settlements settlements;

	private final BrokerInvariants broker;

	private final Recorder http = new Recorder(3);

	private final AtomicLong placed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final List<Second> seconds = Collections.synchronizedList(new ArrayList<>());

	private final List<LagSample> lag = Collections.synchronizedList(new ArrayList<>());

	private final AtomicLong lagErrors = new AtomicLong();

	private final ScheduledExecutorService sampler;

	private final long start = System.nanoTime();

	private volatile String phase = "load";

	private volatile double loadEndedAt = Double.NaN;

	private volatile String lastLagError;

	/**
	 * Starts sampling.
	 * @param broker the broker to read lag from, or null for none
	 */
	Timeline(Settlements settlements, BrokerInvariants broker) {
		this.settlements = settlements;
		this.broker = broker;
		// Two threads: a slow admin call must not delay the per-second counts.
		this.sampler = Executors.newScheduledThreadPool(2, runnable -> {
			Thread thread = new Thread(runnable, "timeline-sampler");
			thread.setDaemon(true);
			return thread;
		});
		this.sampler.scheduleAtFixedRate(this::second, 1, 1, TimeUnit.SECONDS);
		if (broker != null) {
			this.sampler.scheduleAtFixedRate(this::readLag, 0, 1, TimeUnit.SECONDS);
		}
	}

	Measurement.Observer observer() {
		return (latencyMicros, success) -> {
			if (success) {
				this.http.recordValue(latencyMicros);
				this.placed.incrementAndGet();
			}
			else {
				this.failed.incrementAndGet();
			}
		};
	}

	/** The load has stopped; what follows is the backlog draining. */
	void drainStarted() {
		this.loadEndedAt = now();
		this.phase = "drain";
	}

	/** When the load stopped, in seconds from the start; NaN while it runs. */
	double loadEndedAt() {
		return this.loadEndedAt;
	}

	private double now() {
		return Math.round((System.nanoTime() - this.start) / 1e8) / 10.0;
	}

	private void second() {
		Histogram latency = this.http.getIntervalHistogram();
		Settlements.Interval confirmed = this.settlements.takeInterval();
		this.seconds.add(new Second(now(), this.phase, this.placed.getAndSet(0), this.failed.getAndSet(0),
				millis(latency, 50), millis(latency, 99), confirmed.confirmed(),
				Settlements.percentile(confirmed.latency(), 50), Settlements.percentile(confirmed.latency(), 99)));
	}

	private static double millis(Histogram micros, double percentile) {
		return (micros.getTotalCount() > 0) ? micros.getValueAtPercentile(percentile) / 1000.0 : Double.NaN;
	}

	private void readLag() {
		double t = now();
		try {
			BrokerInvariants.State state = this.broker.read();
			this.lag.add(new LagSample(t, this.phase, state.lag(), state.unresolvedHalf()));
		}
		catch (RuntimeException ex) {
			this.lagErrors.incrementAndGet();
			this.lastLagError = ex.getMessage();
		}
	}

	/** Stops sampling, after one last second. */
	void stop() throws InterruptedException {
		this.sampler.shutdown();
		this.sampler.awaitTermination(10, TimeUnit.SECONDS);
		second();
	}

	List<Second> seconds() {
		synchronized (this.seconds) {
			return List.copyOf(this.seconds);
		}
	}

	List<LagSample> lag() {
		synchronized (this.lag) {
			return List.copyOf(this.lag);
		}
	}

	long lagErrors() {
		return this.lagErrors.get();
	}

	String lastLagError() {
		return this.lastLagError;
	}

}
