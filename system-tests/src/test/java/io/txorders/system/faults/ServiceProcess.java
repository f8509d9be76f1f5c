package io.txorders.system.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.txorders.system.Loopback;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.Processes;

import static org.awaitility.Awaitility.await;

/**
 * One of the stack's OS processes, started, killed with SIGKILL and started again by the
 * fault harness. Each start gets a log file of its own ({@code name-N.log}).
 */
final class ServiceProcess {

	private final String name;

	private final Path logDir;

	private final Supplier<List<String>> command;

	private final Map<String, String> environment;

	private final int httpPort;

	private Process process;

	private int starts;

	private List<String> lastArguments = List.of();

	private int failedStarts;

	/**
	 * @param httpPort the port of its {@code /actuator/health}, or 0 for the infra
	 * process, which is ready when its ready file appears
	 */
	ServiceProcess(String name, Path logDir, Supplier<List<String>> command, Map<String, String> environment,
			int httpPort) {
		this.name = name;
		this.logDir = logDir;
		this.command = command;
		this.environment = environment;
		this.httpPort = httpPort;
	}

	/** A Spring Boot app of this repository, from its {@code -exec.jar}. */
	static ServiceProcess app(String name, String module, Path logDir, Map<String, String> environment, int port,
			List<String> systemProperties) {
		Path jar = execJar(module);
		return new ServiceProcess(name, logDir, () -> {
			List<String> command = new ArrayList<>(List.of(LocalInfra.javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
					"-XX:TieredStopAtLevel=1", "-Drocketmq.log.root=" + logDir.resolve(name + "-rocketmq")));
			command.addAll(systemProperties);
			command.addAll(List.of("-jar", jar.toString()));
			return command;
		}, environment, port);
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.httpPort;
	}

	boolean alive() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts the process with the given extra JVM arguments (for example a crash point).
	 */
	void start(List<String> extraArguments) {
		this.lastArguments = List.copyOf(extraArguments);
		List<String> command = new ArrayList<>(this.command.get());
		int jarIndex = command.indexOf("-jar");
		command.addAll((jarIndex < 0) ? command.size() : jarIndex, extraArguments);
		this.starts++;
		Path log = this.logDir.resolve(this.name + "-" + this.starts + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(this.environment);
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + this.name + ": " + command, ex);
		}
	}

	void start() {
		start(List.of());
	}

	/**
	 * Waits until {@code /actuator/health} answers 200. A process that exits while
	 * starting is started again, twice at most, as a restart policy would (on a loaded
	 * machine the proxy may not answer a client's first topic lookup in time).
	 */
	void awaitHealthy(Duration timeout) {
		awaitReady(timeout, this::healthy);
	}

	/**
	 * Waits until {@code ready}; a process that exits first is started again, twice at
	 * most over this process's life.
	 */
	void awaitReady(Duration timeout, BooleanSupplier ready) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Process started = this.process;
			Path log = this.logDir.resolve(this.name + "-" + this.starts + ".log");
			await(this.name + " ready (log: " + log + ")")
				.atMost(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000)))
				.pollInterval(Duration.ofMillis(300))
				.until(() -> ready.getAsBoolean() || !started.isAlive());
			if (started.isAlive()) {
				return;
			}
			this.failedStarts++;
			if (this.failedStarts > 2) {
				throw new IllegalStateException(this.name + " exited with " + started.exitValue() + "; see " + log);
			}
			start(this.lastArguments);
		}
	}

	/** Starts that ended with the process exiting before it was healthy. */
	int failedStarts() {
		return this.failedStarts;
	}

	boolean healthy() {
		return Loopback.healthy(this.httpPort);
	}

	/** SIGKILL: no shutdown hook runs, sockets are closed by the kernel. */
	void kill() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** SIGTERM, then SIGKILL after the grace period. */
	void stop(Duration grace) {
		if (this.process != null) {
			Processes.stop(this.process, grace);
		}
	}

	private static Path execJar(String module) {
		Path target = LocalInfra.repositoryRoot().resolve(module).resolve("target");
		try (var jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
			for (Path jar : jars) {
				return jar;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException(
				"missing " + target + "/" + module + "-*-exec.jar: build it first (./mvnw package)");
	}

}
