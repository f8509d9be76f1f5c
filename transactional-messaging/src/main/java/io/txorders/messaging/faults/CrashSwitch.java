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
 * <p>
 * A filter ({@code txorders.faults.crash-filter}) aims the point at one place among the
 * many that reach it: only reaches whose detail starts with the filter's words count, for
 * example {@code payment OrderConfirmed} against a consumer point's "group event key"
 * detail ({@code payment OrderConfirmed 4711}), which arms payment's Confirm and no other
 * group's or event's.
 */
public final class CrashSwitch {

	private static final Logger log = LoggerFactory.getLogger(CrashSwitch.class);

	private final String point;

	private final int crashAt;

	private final Path signalFile;

	private final String filter;

	private final AtomicInteger reached = new AtomicInteger();

	/**
	 * @param point the crash point to arm
	 * @param crashAt crash the n-th time the point is reached (1 = the first time)
	 * @param signalFile where to tell the harness, or null to halt the JVM at once
	 */
	public CrashSwitch(String point, int crashAt, Path signalFile) {
		this(point, crashAt, signalFile, null);
	}

	/**
	 * @param point the crash point to arm
	 * @param crashAt crash the n-th time the point is reached with a matching detail (1 =
	 * the first time)
	 * @param signalFile where to tell the harness, or null to halt the JVM at once
	 * @param filter the words the detail must start with (whole words: {@code payment
	 * OrderCreated} matches {@code payment OrderCreated 42}, not {@code payment
	 * OrderCreatedX 42}), or null or blank for every reach
	 */
	public CrashSwitch(String point, int crashAt, Path signalFile, String filter) {
		if (crashAt < 1) {
			throw new IllegalArgumentException("txorders.faults.crash-at must be at least 1, was " + crashAt);
		}
		this.point = point;
		this.crashAt = crashAt;
		this.signalFile = signalFile;
		this.filter = (filter == null || filter.isBlank()) ? null : filter.trim();
		log.warn("FAULT INJECTION ARMED: this process will crash the {}. time it reaches '{}'{}", crashAt, point,
				(this.filter != null) ? " with a detail starting '" + this.filter + "'" : "");
	}

	/**
	 * Called at each crash point; returns unless this is the armed point, reached for the
	 * n-th time.
	 */
	public void reached(String point, String context) {
		if (!fires(point, context)) {
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

	/**
	 * Counts a reach of {@code point} whose detail matches the filter.
	 * @return true for the reach that must crash: the armed point, matching, the n-th
	 * time
	 */
	boolean fires(String point, String context) {
		return this.point.equals(point) && matches(context) && this.reached.incrementAndGet() == this.crashAt;
	}

	/** The filter in force, or null for every reach. */
	String filter() {
		return this.filter;
	}

	private boolean matches(String context) {
		if (this.filter == null) {
			return true;
		}
		if (context == null || !context.startsWith(this.filter)) {
			return false;
		}
		return context.length() == this.filter.length() || Character.isWhitespace(context.charAt(this.filter.length()));
	}

}
