package io.txorders.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Runs an operation under load and measures it: closed loop (N clients, each starting its
 * next operation when the last one ends) or open loop (a fixed arrival rate, latency
 * counted from when each operation was due, so a stall is not hidden by coordinated
 * omission).
 */
final class Measurement {

	/** One unit of work; false or an exception counts as a failure. */
	private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

	interface Operation {

		/**
		 * @param dueNanos when the operation was due ({@link System#nanoTime()}): the
		 * start of its latency
		 */
		boolean run(long dueNanos) throws Exception;

	}

	/** Sees each operation as it ends, for the per-second series. */
	interface Observer {

		Observer NONE = (latencyMicros, success) -> {
		};

		void ended(long latencyMicros, boolean success);

	}

	/** What one measured run gave. Latencies in milliseconds. */
	record Result(String name, String load, double perSecond, double p50, double p95, double p99, double max, long ok,
			long failed) {
	}

	private Measurement() {
	}

	static Result closedLoop(String name, int clients, Duration duration, Supplier<Operation> perClient)
			throws Exception {
		return closedLoop(name, clients, duration, perClient, Observer.NONE);
	}

	static Result closedLoop(String name, int clients, Duration duration, Supplier<Operation> perClient,
			Observer observer) throws Exception {
		Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			Operation operation = perClient.get();
			running.add(pool.submit(() -> {
				while (System.nanoTime() < end) {
					long began = System.nanoTime();
					boolean success = attempt(operation, began);
					long micros = Math.max(1, (System.nanoTime() - began) / 1000);
					latency.recordValue(micros);
					(success ? ok : failed).incrementAndGet();
					observer.ended(micros, success);
				}
				return null;
			}));
		}
		for (Future<?> client : running) {
			client.get();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		pool.shutdown();
		return result(name, clients + " clients", ok.get() / seconds, latency, ok.get(), failed.get());
	}

	static Result openLoop(String name, double perSecond, Duration duration, int workers, Supplier<Operation> perWorker)
			throws Exception {
		return openLoop(name, perSecond, duration, workers, perWorker, Observer.NONE);
	}

	static Result openLoop(String name, double perSecond, Duration duration, int workers, Supplier<Operation> perWorker,
			Observer observer) throws Exception {
		Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicLong next = new AtomicLong();
		long total = (long) (perSecond * duration.toMillis() / 1000.0);
		long interval = (long) (1e9 / perSecond);
		ExecutorService pool = Executors.newFixedThreadPool(workers);
		long start = System.nanoTime();
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < workers; i++) {
			Operation operation = perWorker.get();
			running.add(pool.submit(() -> {
				long index;
				while ((index = next.getAndIncrement()) < total) {
					long due = start + index * interval;
					long wait = due - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
					}
					boolean success = attempt(operation, due);
					long micros = Math.max(1, (System.nanoTime() - due) / 1000);
					latency.recordValue(micros);
					(success ? ok : failed).incrementAndGet();
					observer.ended(micros, success);
				}
				return null;
			}));
		}
		for (Future<?> worker : running) {
			worker.get();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		pool.shutdown();
		return result(name, String.format("%.0f/s offered", perSecond), ok.get() / seconds, latency, ok.get(),
				failed.get());
	}

	private static boolean attempt(Operation operation, long dueNanos) {
		try {
			return operation.run(dueNanos);
		}
		catch (Exception ex) {
			reportOnce(ex);
			return false;
		}
	}

	/**
	 * A run's failures are counted, not logged one by one; each kind of failure is shown
	 * once, so a count of failures comes with its cause.
	 */
	private static void reportOnce(Exception ex) {
		String failure = ex.toString();
		if (REPORTED.add(failure)) {
			System.err.println("  an operation failed (further failures like it are only counted): " + failure);
		}
	}

	private static Result result(String name, String load, double perSecond, Histogram latency, long ok, long failed) {
		return new Result(name, load, perSecond, millis(latency.getValueAtPercentile(50)),
				millis(latency.getValueAtPercentile(95)), millis(latency.getValueAtPercentile(99)),
				millis(latency.getMaxValue()), ok, failed);
	}

	private static double millis(long micros) {
		return micros / 1000.0;
	}

}
