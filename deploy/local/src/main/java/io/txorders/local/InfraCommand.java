package io.txorders.local;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code infra}: database, NameServer, Broker and gRPC proxy in this JVM, then a ready
 * file; runs until the JVM is told to stop.
 * <p>
 * No static logger here: picocli creates this command before {@link #call()} points the
 * log files at the work dir.
 */
@Command(name = "infra", description = "Database, RocketMQ NameServer, broker and gRPC proxy in this JVM,"
		+ " with the topics and groups; runs until stopped.")
final class InfraCommand implements Callable<Integer> {

	@Mixin
	Options options;

	@Spec
	CommandSpec spec;

	private InfraConfig config;

	private final AtomicBoolean stopping = new AtomicBoolean();

	private volatile Database database;

	private volatile RocketMqStack rocketMq;

	@Override
	public Integer call() throws Exception {
		// Before InfraConfig: validating it touches classes that create loggers.
		LocalStack.redirectFiles(this.options.workDir());
		if (this.options.sqlDir != null) {
			System.setProperty(Migrations.DIR_PROPERTY, this.options.sqlDir.toAbsolutePath().toString());
		}
		this.config = LocalStack.valid(this.spec, () -> InfraConfig.from(this.options));
		return run();
	}

	private int run() throws Exception {
		long start = System.nanoTime();
		Console.step("infra starting; work dir " + this.config.workDir() + ", logs in "
				+ this.config.workDir().resolve("logs"));
		Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "local-stack-shutdown"));
		if (this.config.dieWithParent()) {
			watchParent();
		}
		RocketMqStack stack = new RocketMqStack(this.config);
		// Ports first: a clash should fail in a second, not after the database started.
		stack.reservePorts();
		this.database = Database.open(this.config);
		this.database.prepare(this.config.ordersDb(), "orders", this.config.resetDb());
		this.database.prepare(this.config.consumerDb(), "consumer", this.config.resetDb());
		this.rocketMq = stack;
		stack.startNamesrv();
		if (this.config.brokers() > 1) {
			// Their JVMs start while this one starts broker-a.
			stack.startExtraBrokers(UpCommand.ownJar());
		}
		stack.startBrokerAndProxy();
		stack.createTopicsAndGroups(30_000);
		stack.awaitExtraBrokers(Duration.ofMinutes(2));

		// Customers' access tokens: the apps check them with the public key; the tests
		// and the token command sign them with the private one.
		CustomerTokens tokens = CustomerTokens.inWorkDir(this.config.workDir());
		Map<String, String> ready = readyValues(stack, this.database, tokens);
		if (this.config.readyFile() != null) {
			ReadyFile.write(this.config.readyFile(), ready);
		}
		Console.step("all started", start);
		Console.line("local-stack infra ready: namesrv=" + stack.namesrvAddress() + " proxy=" + stack.proxyAddress()
				+ " brokers=" + ready.get("brokers") + " orders=" + ready.get("ordersJdbcUrl") + " consumer="
				+ ready.get("consumerJdbcUrl"));
		// Park the main thread; the shutdown hook does the stopping.
		new CountDownLatch(1).await();
		return 0;
	}

	Map<String, String> readyValues(RocketMqStack stack, Database db, CustomerTokens tokens) {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("namesrv", stack.namesrvAddress());
		values.put("proxy", stack.proxyAddress());
		values.put("transport", this.config.transport());
		values.put("dbUrl", db.serverUrl());
		values.put("dbUser", db.user());
		values.put("dbPassword", db.password());
		values.put("ordersDb", this.config.ordersDb());
		values.put("consumerDb", this.config.consumerDb());
		values.put("ordersJdbcUrl", db.jdbcUrl(this.config.ordersDb()));
		values.put("consumerJdbcUrl", db.jdbcUrl(this.config.consumerDb()));
		values.put("embeddedDb", String.valueOf(db.embedded()));
		values.put("pid", String.valueOf(ProcessHandle.current().pid()));
		values.put("jwtIssuer", CustomerTokens.ISSUER);
		values.put("jwtPublicKey", tokens.publicKeyPem().toString());
		values.put("jwtSigningKey", tokens.signingKey().toString());
		values.putAll(stack.brokerValues());
		return values;
	}

	private void watchParent() {
		ProcessHandle.current().parent().ifPresentOrElse((parent) -> parent.onExit().thenRun(() -> {
			Console.step("parent process " + parent.pid() + " exited; stopping");
			// Quick and certain: the parent (a test, 'up') is gone and nobody waits for a
			// graceful stop.
			shutdownFast();
			Runtime.getRuntime().halt(0);
		}), () -> Console.step("--die-with-parent: no parent process visible; ignoring"));
	}

	/**
	 * The shutdown hook: graceful unless --fast-shutdown.
	 */
	void shutdown() {
		if (this.config.fastShutdown()) {
			shutdownFast();
			Runtime.getRuntime().halt(0);
			return;
		}
		if (!this.stopping.compareAndSet(false, true)) {
			return;
		}
		long start = System.nanoTime();
		if (this.rocketMq != null) {
			Console.step("stopping (the broker takes 10-25 s to shut down gracefully)");
			this.rocketMq.stop(true);
		}
		stopDatabase();
		if (this.rocketMq != null || this.database != null) {
			Console.step("stopped", start);
		}
		deleteReadyFile();
	}

	private void shutdownFast() {
		if (!this.stopping.compareAndSet(false, true)) {
			return;
		}
		long start = System.nanoTime();
		// The broker's data is disposable here; halting skips its slow flush-and-close.
		if (this.rocketMq != null) {
			this.rocketMq.killExtraBrokers();
		}
		stopDatabase();
		deleteReadyFile();
		Console.step("stopped (fast)", start);
	}

	private void stopDatabase() {
		Database db = this.database;
		if (db != null && db.embedded()) {
			db.close();
		}
	}

	private void deleteReadyFile() {
		if (this.config.readyFile() != null) {
			try {
				Files.deleteIfExists(this.config.readyFile());
			}
			catch (IOException ex) {
				LoggerFactory.getLogger(InfraCommand.class)
					.warn("could not delete the ready file {}", this.config.readyFile(), ex);
			}
		}
	}

}
