package io.txorders.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.rocketmq.broker.BrokerController;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broker}: one more broker group (broker-b, broker-c, ...) in this JVM, registered
 * with a running NameServer, with the topics and groups on it; runs until stopped.
 * {@code infra --brokers=N} starts one per extra group and writes the command line to
 * {@code <work-dir>/broker-X/broker.args}, so that a test can kill the group's JVM and
 * start it again on the same store and ports with {@code java @<that file>}.
 * <p>
 * No static logger here: picocli creates this command before {@link #call()} points the
 * log files at the group's directory.
 */
@Command(name = "broker",
		description = {
				"One more broker group in this JVM, registered with a running NameServer,"
						+ " with the topics and groups; runs until stopped.",
				"infra --brokers=N starts these itself." })
final class BrokerCommand implements Callable<Integer> {

	@Option(names = "--name", required = true, paramLabel = "<name>",
			description = "The group's broker name, broker-b to broker-d.")
	String name;

	@Option(names = "--namesrv", required = true, paramLabel = "<host:port>",
			description = "The NameServer to register with.")
	String namesrv;

	@Option(names = "--broker-port", required = true, paramLabel = "<port>",
			description = "The group's port; it also listens on this port - 2.")
	int brokerPort;

	@Option(names = "--work-dir", required = true, paramLabel = "<dir>",
			description = "The group's own directory: its store, logs and ready file.")
	Path workDir;

	@Option(names = "--ready-file", paramLabel = "<path>",
			description = { "Properties file written once the group serves its topics (name, address, pid).",
					"  Default: <work-dir>/broker.ready" })
	Path readyFile;

	@Option(names = "--transaction-timeout-ms", paramLabel = "<ms>", defaultValue = "5000",
			description = "Broker's transactionTimeOut.")
	int transactionTimeoutMs;

	@Option(names = "--transaction-check-interval-ms", paramLabel = "<ms>", defaultValue = "5000",
			description = "Broker's transactionCheckInterval.")
	int transactionCheckIntervalMs;

	@Option(names = "--transaction-op-batch-interval-ms", paramLabel = "<ms>", defaultValue = "500",
			description = "Broker's transactionOpBatchInterval; at most half of --transaction-timeout-ms.")
	int transactionOpBatchIntervalMs;

	@Option(names = "--transaction-check-max", paramLabel = "<n>", defaultValue = "15",
			description = "Broker's transactionCheckMax.")
	int transactionCheckMax;

	@Option(names = "--transaction-topics", defaultValue = "order-events,reply-events", paramLabel = "<topic,...>",
			description = "TRANSACTION topics to create.")
	String transactionTopics;

	@Option(names = "--consumer-groups", defaultValue = "inventory,payment,points,order-replies",
			paramLabel = "<group,...>", description = "Consumer groups to create.")
	String consumerGroups;

	@Option(names = "--max-retries", paramLabel = "<n>", defaultValue = "16",
			description = "Redeliveries of a message before it goes to the group's dead-letter queue.")
	int maxRetries;

	@Option(names = "--timer-wheel", arity = "0..1", paramLabel = "true|false", defaultValue = "false",
			fallbackValue = "true", showDefaultValue = Visibility.ALWAYS,
			description = "The broker's timer wheel, which consumers that pop through the gRPC proxy need.")
	boolean timerWheel;

	@Option(names = "--stop-with-pid", paramLabel = "<pid>", defaultValue = "0",
			description = "Stop when this process (the infra JVM) exits; 0: never.")
	long stopWithPid;

	@Option(names = "--fast-shutdown", arity = "0..1", paramLabel = "true|false", defaultValue = "false",
			fallbackValue = "true", showDefaultValue = Visibility.ALWAYS,
			description = "On stop, halt at once instead of the broker's graceful shutdown.")
	boolean fastShutdown;

	@Spec
	CommandSpec spec;

	private final AtomicBoolean stopping = new AtomicBoolean();

	private volatile BrokerController broker;

	@Override
	public Integer call() throws Exception {
		Path dir = this.workDir.toAbsolutePath().normalize();
		LocalStack.redirectFiles(dir);
		BrokerGroup group = LocalStack.valid(this.spec, () -> group(dir));
		Path ready = (this.readyFile != null) ? this.readyFile.toAbsolutePath() : dir.resolve("broker.ready");
		long start = System.nanoTime();
		Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "local-stack-broker-shutdown"));
		if (this.stopWithPid > 0) {
			stopWith(this.stopWithPid);
		}
		Ports.requireFree(group.port(), group.name(), "--broker-port");
		Ports.requireFree(group.port() - 2, group.name() + " fast port, --broker-port minus 2", "--broker-port");
		java.nio.file.Files.deleteIfExists(ready);
		BrokerController controller = group.initialize();
		this.broker = controller;
		controller.start();
		group.createTopicsAndGroups(controller, 60_000);
		Map<String, String> values = new LinkedHashMap<>();
		values.put("name", group.name());
		values.put("address", group.address());
		values.put("pid", String.valueOf(ProcessHandle.current().pid()));
		ReadyFile.write(ready, values);
		Console.step("broker group " + group.name() + " ready on " + group.address() + " (pid "
				+ ProcessHandle.current().pid() + ")", start);
		new CountDownLatch(1).await();
		return 0;
	}

	/**
	 * The group these options describe, checked.
	 * @param dir the group's directory
	 * @return the group
	 * @throws IllegalArgumentException naming the option at fault
	 */
	BrokerGroup group(Path dir) {
		if (!this.name.matches("broker-[b-" + (char) ('a' + BrokerGroup.MAX_GROUPS - 1) + "]")) {
			throw new IllegalArgumentException(
					"--name must be broker-b to " + BrokerGroup.name(BrokerGroup.MAX_GROUPS - 1)
							+ " (broker-a runs in the infra JVM), got " + this.name);
		}
		if (!this.namesrv.matches("[^:]+:\\d+")) {
			throw new IllegalArgumentException("--namesrv must be host:port, got " + this.namesrv);
		}
		if (this.brokerPort < 3 || this.brokerPort > 65534) {
			throw new IllegalArgumentException(
					"--broker-port must be between 3 and 65534 (the broker also listens on port - 2), got "
							+ this.brokerPort);
		}
		InfraConfig.checkTransactionSettings(this.transactionTimeoutMs, this.transactionCheckIntervalMs,
				this.transactionOpBatchIntervalMs, this.transactionCheckMax);
		if (this.maxRetries < 0) {
			throw new IllegalArgumentException("--max-retries must not be negative");
		}
		BrokerGroup.Settings settings = new BrokerGroup.Settings(this.transactionTimeoutMs,
				this.transactionCheckIntervalMs, this.transactionOpBatchIntervalMs, this.transactionCheckMax,
				InfraConfig.list(this.transactionTopics), InfraConfig.list(this.consumerGroups), this.maxRetries,
				this.timerWheel);
		return new BrokerGroup(this.name, this.brokerPort, dir.resolve("home"), dir.resolve("store"), this.namesrv,
				settings);
	}

	private void stopWith(long pid) {
		ProcessHandle.of(pid).ifPresentOrElse((process) -> process.onExit().thenRun(() -> {
			Console.step(this.name + ": process " + pid + " exited; stopping");
			Runtime.getRuntime().halt(0);
		}), () -> {
			Console.error(this.name + ": process " + pid + " (--stop-with-pid) is not running");
			Runtime.getRuntime().halt(2);
		});
	}

	private void shutdown() {
		if (!this.stopping.compareAndSet(false, true)) {
			return;
		}
		BrokerController controller = this.broker;
		if (this.fastShutdown || controller == null) {
			// Like SIGKILL: the store recovers on the next start.
			Runtime.getRuntime().halt(0);
			return;
		}
		long start = System.nanoTime();
		controller.shutdown();
		Console.step(this.name + " stopped", start);
	}

	/** The arguments {@code infra} starts a group with, after {@code java}. */
	static List<String> arguments(Path jar, BrokerGroup group, Path dir, InfraConfig config, long infraPid) {
		return List.of("-Xmx256m", "-jar", jar.toString(), "broker", "--name=" + group.name(),
				"--namesrv=" + group.namesrvAddress(), "--broker-port=" + group.port(), "--work-dir=" + dir,
				"--transaction-timeout-ms=" + config.transactionTimeoutMs(),
				"--transaction-check-interval-ms=" + config.transactionCheckIntervalMs(),
				"--transaction-op-batch-interval-ms=" + config.transactionOpBatchIntervalMs(),
				"--transaction-check-max=" + config.transactionCheckMax(),
				"--transaction-topics=" + String.join(",", config.transactionTopics()),
				"--consumer-groups=" + String.join(",", config.consumerGroups()),
				"--max-retries=" + config.maxRetries(), "--timer-wheel=" + config.grpc(), "--stop-with-pid=" + infraPid,
				"--fast-shutdown=" + config.fastShutdown());
	}

}
