package io.txorders.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;

/**
 * The JVMs of broker-b, broker-c, ... that {@code infra --brokers=N} starts: one
 * {@code broker} command each, its arguments kept in
 * {@code <work-dir>/broker-X/broker.args} so that whoever kills one can start it again on
 * the same store and ports with {@code java @broker.args}. Each stops when infra exits
 * ({@code --stop-with-pid}), and infra stops each, by the pid in its ready file, when it
 * stops.
 */
final class ExtraBrokers {

	private final Path jar;

	private final InfraConfig config;

	private final List<BrokerGroup> groups = new ArrayList<>();

	private final Map<String, Process> processes = new LinkedHashMap<>();

	ExtraBrokers(Path jar, InfraConfig config) {
		this.jar = jar;
		this.config = config;
	}

	void add(BrokerGroup group) {
		this.groups.add(group);
	}

	List<String> names() {
		return this.groups.stream().map(BrokerGroup::name).toList();
	}

	private Path dir(BrokerGroup group) {
		return this.config.workDir().resolve(group.name());
	}

	Path argsFile(BrokerGroup group) {
		return dir(group).resolve("broker.args");
	}

	Path readyFile(BrokerGroup group) {
		return dir(group).resolve("broker.ready");
	}

	private long startedNanos;

	/**
	 * Starts every group's JVM at once; {@link #awaitAll} waits until each is ready.
	 */
	void startAll() throws IOException {
		this.startedNanos = System.nanoTime();
		for (BrokerGroup group : this.groups) {
			Path logs = Files.createDirectories(dir(group).resolve("logs"));
			List<String> arguments = BrokerCommand.arguments(this.jar, group, dir(group), this.config,
					ProcessHandle.current().pid());
			Files.writeString(argsFile(group), argFile(arguments), StandardCharsets.UTF_8);
			Files.deleteIfExists(readyFile(group));
			Process process = new ProcessBuilder(UpCommand.javaExecutable(), "@" + argsFile(group))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("console.log").toFile()))
				.start();
			this.processes.put(group.name(), process);
			Console.step("starting broker group " + group.name() + " on " + group.address() + " (pid " + process.pid()
					+ ", log " + logs.resolve("rocketmq.log") + ")");
		}
	}

	/** Waits until each group started has written its ready file. */
	void awaitAll(Duration timeout) throws InterruptedException {
		long start = this.startedNanos;
		long deadline = System.nanoTime() + timeout.toNanos();
		for (BrokerGroup group : this.groups) {
			Process process = this.processes.get(group.name());
			while (!Files.isRegularFile(readyFile(group))) {
				if (!process.isAlive()) {
					throw new StackException("broker group " + group.name() + " exited with code " + process.exitValue()
							+ " before it was ready; see " + dir(group).resolve("logs").resolve("console.log")
							+ " and rocketmq.log beside it");
				}
				if (System.nanoTime() > deadline) {
					throw new StackException("broker group " + group.name() + " was not ready after "
							+ timeout.toSeconds() + " s; see " + dir(group).resolve("logs"));
				}
				process.waitFor(200, TimeUnit.MILLISECONDS);
			}
			Console.step("broker group " + group.name() + " ready on " + group.address(), start);
		}
	}

	/**
	 * {@code broker.<name>.address}, {@code .pid}, {@code .args} (start it again:
	 * {@code java @<args>}) and {@code .ready} (its own ready file, with the pid of its
	 * current JVM) for each group.
	 */
	Map<String, String> readyValues() {
		Map<String, String> values = new LinkedHashMap<>();
		for (BrokerGroup group : this.groups) {
			String prefix = "broker." + group.name() + ".";
			values.put(prefix + "address", group.address());
			values.put(prefix + "pid", String.valueOf(currentPid(group).orElse(-1L)));
			values.put(prefix + "args", argsFile(group).toString());
			values.put(prefix + "ready", readyFile(group).toString());
		}
		return values;
	}

	/**
	 * The pid of the group's JVM now: the one in its ready file (it may have been started
	 * again by someone else), else the one started here.
	 */
	private Optional<Long> currentPid(BrokerGroup group) {
		try {
			if (Files.isRegularFile(readyFile(group))) {
				Properties ready = ReadyFile.read(readyFile(group));
				return Optional.of(Long.parseLong(ready.getProperty("pid")));
			}
		}
		catch (IOException | RuntimeException ex) {
			// Being rewritten, or gone: the process started here is the answer.
		}
		Process process = this.processes.get(group.name());
		return Optional.ofNullable(process).map(Process::pid);
	}

	/**
	 * Every group's JVM stopped: SIGTERM and up to 30 s for a graceful stop, or at once
	 * with SIGKILL.
	 */
	void stopAll(boolean graceful) {
		awaitStopped(signalAll(graceful), graceful);
	}

	/**
	 * SIGTERM (graceful) or SIGKILL to every group's JVM, without waiting.
	 * @return the processes signalled
	 */
	List<ProcessHandle> signalAll(boolean graceful) {
		List<ProcessHandle> running = new ArrayList<>();
		for (BrokerGroup group : this.groups) {
			for (long pid : new java.util.HashSet<>(List.of(currentPid(group).orElse(-1L), pidStartedHere(group)))) {
				if (pid <= 0) {
					continue;
				}
				ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent((process) -> {
					if (graceful) {
						process.destroy();
					}
					else {
						process.destroyForcibly();
					}
					running.add(process);
				});
			}
		}
		return running;
	}

	/**
	 * Waits until the processes signalled have exited: up to 30 s after a SIGTERM, 10 s
	 * after a SIGKILL; then SIGKILL.
	 */
	static void awaitStopped(List<ProcessHandle> running, boolean graceful) {
		long deadline = System.nanoTime() + Duration.ofSeconds(graceful ? 30 : 10).toNanos();
		for (ProcessHandle process : running) {
			try {
				process.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (Exception ex) {
				LoggerFactory.getLogger(ExtraBrokers.class)
					.warn("broker group JVM {} did not stop in time; killing it", process.pid());
				process.destroyForcibly();
			}
		}
	}

	private long pidStartedHere(BrokerGroup group) {
		Process process = this.processes.get(group.name());
		return (process != null) ? process.pid() : -1L;
	}

	/** A {@code java @file}: each argument quoted on a line of its own. */
	static String argFile(List<String> arguments) {
		StringBuilder text = new StringBuilder();
		for (String argument : arguments) {
			text.append('"').append(argument.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
		}
		return text.toString();
	}

}
