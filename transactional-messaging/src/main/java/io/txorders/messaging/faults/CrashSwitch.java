package io.txorders.messaging.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crash point for the fault harness, present only when a test property names it
 * ({@code txorders.faults.crash-point}). The n-th time the process reaches the named
 * point, the thread writes the point's name to the signal file and stops there; the
 * harness sees the file and kills the process with SIGKILL, so the crash happens exactly
 * at that point while the rest of the process keeps going as it would in production.
 * Without a signal file the process halts itself (no shutdown hooks, like kill -9).
 */
public final class CrashSwitch {

	private static final Logger log = LoggerFactory.getLogger(CrashSwitch.class);

	private final String point;

	private final int crashAt;

	private final Path signalFile;

	private final AtomicInteger reached = new AtomicInteger();

	/**
	 * @param point the crash point to arm
	 * @param crashAt crash the n-th time the point is reached (1 = the first time)
	 * @param signalFile where to tell the harness, or null to halt the JVM at once
	 */
	public CrashSwitch(String point, int crashAt, Path signalFile) {
		if (crashAt < 1) {
			throw new IllegalArgumentException("txorders.faults.crash-at must be at least 1, was " + crashAt);
		}
		this.point = point;
		this.crashAt = crashAt;
		this.signalFile = signalFile;
		log.warn("FAULT INJECTION ARMED: this process will crash the {}. time it reaches '{}'", crashAt, point);
	}

	/**
	 * Called at each crash point; returns unless this is the armed point, reached for the
	 * n-th time.
	 */
	public void reached(String point, String context) {
		if (!this.point.equals(point) || this.reached.incrementAndGet() != this.crashAt) {
			return;
		}
		log.warn("FAULT INJECTION: crash point '{}' reached ({}); waiting to be killed", point, context);
		if (this.signalFile == null) {
			Runtime.getRuntime().halt(137);
		}
		try {
			// Written whole, then renamed: the harness never reads a half-written file.
			Path partial = this.signalFile.resolveSibling(this.signalFile.getFileName() + ".partial");
			Files.writeString(partial, point + " " + context + "\n", StandardCharsets.UTF_8);
			Files.move(partial, this.signalFile, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write " + this.signalFile, ex);
		}
		while (true) {
			// Parked until SIGKILL; an interrupt must not let the work go on.
			LockSupport.park(this);
		}
	}

}
