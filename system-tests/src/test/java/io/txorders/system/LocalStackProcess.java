package io.txorders.system;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.Processes;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.FileSystemUtils;

/**
 * The whole stack as the README's run command starts it ({@code local-stack.jar up}):
 * broker and database in one JVM, then checkback, producer-service and consumer-service,
 * each its own process. Ports are picked free so a developer's running stack is left
 * alone.
 */
record LocalStackProcess(Process process, Properties ready, int producerPort, int consumerPort, int checkbackPort,
		String scrapesAtStart) implements AutoCloseable {

	/** Loopback-only test credentials for the admin surface of the stack's services. */
	static final String ADMIN_USER = "test-admin";

	static final String ADMIN_PASSWORD = "test-only-password";

	private static LocalStackProcess shared;

	private static boolean stopsWithTheJvm;

	static LocalStackProcess start() throws IOException {
		return start("stack", Map.of());
	}

	/**
	 * The default stack, started once for the test classes that need nothing else and
	 * leave it as they found it (OrderFlowIT, RelayOrderingsIT, HalfMessageConsoleIT and
	 * AdminPageIT, run one after the other: junit-platform.properties), and stopped when
	 * the tests' JVM ends or before another stack starts (every stack resets the same
	 * databases). A stack start is about 40 s of the build.
	 */
	static synchronized LocalStackProcess shared() throws IOException {
		if (shared == null) {
			shared = start("shared", Map.of());
			if (!stopsWithTheJvm) {
				Runtime.getRuntime()
					.addShutdownHook(new Thread(LocalStackProcess::stopShared, "stop the shared stack"));
				stopsWithTheJvm = true;
			}
		}
		return shared;
	}

	/** Whether this is the shared stack, which its users do not close. */
	boolean isShared() {
		synchronized (LocalStackProcess.class) {
			return this == shared;
		}
	}

	private static synchronized void stopShared() {
		if (shared != null) {
			shared.close();
			shared = null;
		}
	}

	/**
	 * The stack with settings of its own.
	 * @param name its work directory under {@code target}, where its logs stay after the
	 * run
	 * @param environment variables every app of the stack inherits, such as
	 * {@code OUTBOX_MODE}
	 */
	static synchronized LocalStackProcess start(String name, Map<String, String> environment) throws IOException {
		if (shared != null) {
			stopShared();
		}
		Path root = LocalInfra.repositoryRoot();
		Path workDir = Paths.get("target", name).toAbsolutePath();
		// A fresh broker store each run, like the freshly reset databases.
		FileSystemUtils.deleteRecursively(workDir);
		Files.createDirectories(workDir);
		Path readyFile = workDir.resolve("infra.ready");
		Files.deleteIfExists(readyFile);
		int producer = Loopback.freePort();
		int consumer = Loopback.freePort();
		int checkback = Loopback.freePort();
		List<String> command = List.of(LocalInfra.javaBinary(), "-Xmx128m", "-jar",
				root.resolve("deploy/local/target/local-stack.jar").toString(), "up", "--work-dir=" + workDir,
				"--ready-file=" + readyFile, "--namesrv-port=0", "--broker-port=0", "--proxy-port=0",
				"--producer-port=" + producer, "--consumer-port=" + consumer, "--checkback-port=" + checkback,
				"--orders-db=" + LocalInfra.databasePrefix() + "system_orders",
				"--consumer-db=" + LocalInfra.databasePrefix() + "system_consumer", "--reset-db",
				"--transaction-timeout-ms=1000", "--transaction-check-interval-ms=1000",
				"--transaction-op-batch-interval-ms=200", "--max-retries=3", "--die-with-parent", "--fast-shutdown",
				"--sql-dir=" + root.resolve("sql"));
		ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
		// Inherited by every app 'up' starts: the admin endpoints the tests read.
		builder.environment().put("ADMIN_USERNAME", ADMIN_USER);
		builder.environment().put("ADMIN_PASSWORD", ADMIN_PASSWORD);
		builder.environment().putAll(environment);
		Process process = Processes.startAndAwait(builder, workDir.resolve("up.log"), "the whole stack healthy",
				Duration.ofMinutes(4),
				() -> Loopback.healthy(producer) && Loopback.healthy(consumer) && Loopback.healthy(checkback));
		StringBuilder scrapes = new StringBuilder();
		for (int port : List.of(producer, consumer, checkback)) {
			scrapes.append(Loopback.get(port, "/actuator/prometheus"));
		}
		return new LocalStackProcess(process, Processes.load(readyFile), producer, consumer, checkback,
				scrapes.toString());
	}

	String nameServer() {
		return this.ready.getProperty("namesrv");
	}

	URI consumer() {
		return URI.create("http://127.0.0.1:" + this.consumerPort);
	}

	URI producer() {
		return URI.create("http://127.0.0.1:" + this.producerPort);
	}

	URI checkback() {
		return URI.create("http://127.0.0.1:" + this.checkbackPort);
	}

	/** The {@code Authorization} header value for the admin surface. */
	static String adminAuthorization() {
		return basic(ADMIN_USER, ADMIN_PASSWORD);
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	DataSource ordersDatabase() {
		return new DriverManagerDataSource(this.ready.getProperty("ordersJdbcUrl"), this.ready.getProperty("dbUser"),
				this.ready.getProperty("dbPassword", ""));
	}

	DataSource consumerDatabase() {
		return new DriverManagerDataSource(this.ready.getProperty("consumerJdbcUrl"), this.ready.getProperty("dbUser"),
				this.ready.getProperty("dbPassword", ""));
	}

	/**
	 * Every app's Prometheus scrape once healthy, before any test ran, all three
	 * concatenated.
	 */
	@Override
	public String scrapesAtStart() {
		return this.scrapesAtStart;
	}

	@Override
	public void close() {
		// consumer-service alone may take 45 s, since client-java's close waits out its
		// long poll.
		Processes.stop(this.process, Duration.ofSeconds(90));
	}

}
