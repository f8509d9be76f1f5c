package io.txorders.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stopping processes a test started, by their handle: politely, then forcibly.
 */
public final class Processes {

	private Processes() {
	}

	public static void stop(Process process, Duration grace) {
		process.destroy();
		try {
			if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

}
