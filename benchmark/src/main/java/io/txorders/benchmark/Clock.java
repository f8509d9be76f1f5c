package io.txorders.benchmark;

/**
 * Wall-clock milliseconds derived from {@link System#nanoTime()} and one reading of the
 * wall clock at start, so the submit instants of a run and the instants its confirmations
 * are seen keep their order even if the wall clock is stepped meanwhile. The stack's own
 * timestamps (order history, check-back journal) are compared with these, so the stack
 * runs on this machine's clock (a local stack).
 */
final class Clock {

	private static final long BASE_NANOS = System.nanoTime();

	private static final long BASE_MILLIS = System.currentTimeMillis();

	private Clock() {
	}

	static long epochMillis(long nanoTime) {
		return BASE_MILLIS + Math.floorDiv(nanoTime - BASE_NANOS, 1_000_000L);
	}

	static long nowMillis() {
		return epochMillis(System.nanoTime());
	}

}
