package io.txorders.system.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import io.txorders.system.Loopback;
import io.txorders.testsupport.CustomerTokens;
import io.txorders.testsupport.LocalInfra;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.FileSystemUtils;

/**
 * The stack as separate OS processes on 127.0.0.1, each one the fault harness can kill
 * and start again: the infra JVM (NameServer, broker group broker-a, gRPC proxy; MariaDB
 * is the machine's, or embedded), broker group broker-b in a JVM of its own (infra
 * {@code --brokers=2}), two standalone checkback processes, producer-service and
 * consumer-service. Ports are fixed at the first start so every restart comes back where
 * the others expect it; the broker store survives restarts.
 * <p>
 * Check-back timings: first check 2 s after the half message, then every 2 s, and the
 * broker gives up after 150 checks, far longer than any outage here. (The broker's own
 * default, 15 checks a minute apart, bounds how long every member of a producer group may
 * be down; see the README's reliability section.)
 */
final class FaultStack implements AutoCloseable {

	static final String ADMIN_USERNAME = "admin";

	private final Path workDir;

	private final Path logDir;

	private final int namesrvPort = Loopback.freePort();

	private final int brokerPort = freeBrokerPort();

	private final int proxyPort = Loopback.freePort();

	private final ServiceProcess infra;

	/** broker-b's JVM when the harness started it again after killing it. */
	private ServiceProcess brokerB;

	/** The admin surface's password, made for this run. */
	private final String adminPassword = UUID.randomUUID().toString();

	private boolean resetDatabases = true;

	/**
	 * The first start finds MariaDB at 3306 or starts an embedded one; restarts stay with
	 * that choice (a database slow to answer under load must not make a restart start an
	 * empty embedded one).
	 */
	private String embeddedDb = "auto";

	private Properties ready;

	ServiceProcess producer;

	ServiceProcess consumer;

	final List<ServiceProcess> checkbacks = new ArrayList<>();

	FaultStack(Path workDir) {
		this.workDir = workDir;
		this.logDir = workDir.resolve("logs");
		try {
			FileSystemUtils.deleteRecursively(workDir);
			Files.createDirectories(this.logDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Path root = LocalInfra.repositoryRoot();
		String prefix = LocalInfra.databasePrefix();
		this.infra = new ServiceProcess("infra", this.logDir, () -> {
			List<String> command = new ArrayList<>(List.of(LocalInfra.javaBinary(), "-Xmx512m", "-jar",
					root.resolve("deploy/local/target/local-stack.jar").toString(), "infra",
					"--embedded-db=" + this.embeddedDb, "--namesrv-port=" + this.namesrvPort,
					"--broker-port=" + this.brokerPort, "--proxy-port=" + this.proxyPort,
					"--work-dir=" + workDir.resolve("infra"), "--ready-file=" + readyFile(),
					"--orders-db=" + prefix + "faults_orders", "--consumer-db=" + prefix + "faults_consumer",
					"--die-with-parent", "--fast-shutdown", "--transaction-timeout-ms=2000",
					"--transaction-check-interval-ms=2000", "--transaction-op-batch-interval-ms=500",
					"--transaction-check-max=150", "--max-retries=16", "--sql-dir=" + root.resolve("sql"),
					"--brokers=2"));
			if (this.resetDatabases) {
				command.add("--reset-db");
			}
			return command;
		}, Map.of(), 0);
	}

	/** Starts everything and waits until every app is healthy. */
	void start(List<String> producerArguments, List<String> consumerArguments) {
		startInfra();
		Map<String, String> env = appEnvironment();
		for (int i = 1; i <= 2; i++) {
			int port = Loopback.freePort();
			this.checkbacks.add(ServiceProcess.app("checkback" + i, "checkback", this.logDir,
					with(env, "SERVER_PORT", port), port, List.of()));
		}
		int consumerPort = Loopback.freePort();
		this.consumer = ServiceProcess.app("consumer-service", "consumer-service", this.logDir,
				with(env, "SERVER_PORT", consumerPort), consumerPort, List.of());
		int producerPort = Loopback.freePort();
		this.producer = ServiceProcess.app("producer-service", "producer-service", this.logDir,
				with(env, "SERVER_PORT", producerPort), producerPort, List.of());
		this.checkbacks.forEach(ServiceProcess::start);
		this.consumer.start(consumerArguments);
		this.producer.start(producerArguments);
		for (ServiceProcess app : apps()) {
			app.awaitHealthy(Duration.ofMinutes(3));
		}
	}

	/**
	 * The broker, NameServer and proxy stopped (SIGTERM, SIGKILL after 30 s); returns
	 * once their process is gone.
	 */
	void stopInfra() {
		long brokerB = brokerGroupPid(BROKER_B).orElse(-1L);
		this.infra.stop(Duration.ofSeconds(30));
		// infra stops broker-b's JVM (whoever started it) as it stops.
		awaitGone(brokerB, Duration.ofSeconds(30));
		this.brokerB = null;
	}

	static final String BROKER_B = "broker-b";

	/** A broker group's address, {@code 127.0.0.1:port}. */
	String brokerGroupAddress(String name) {
		return this.ready.getProperty("broker." + name + ".address");
	}

	/** The pid of a broker group's JVM now, from its own ready file. */
	Optional<Long> brokerGroupPid(String name) {
		Path file = brokerGroupReadyFile(name);
		try {
			if (file != null && Files.isRegularFile(file)) {
				Properties properties = new Properties();
				try (InputStream in = Files.newInputStream(file)) {
					properties.load(in);
				}
				return Optional.of(Long.parseLong(properties.getProperty("pid")));
			}
		}
		catch (IOException | RuntimeException ex) {
			// Being written: no pid to tell yet.
		}
		return Optional.empty();
	}

	private Path brokerGroupReadyFile(String name) {
		String file = (this.ready != null) ? this.ready.getProperty("broker." + name + ".ready") : null;
		return (file != null) ? Path.of(file) : null;
	}

	/**
	 * Kills a broker group's JVM with SIGKILL (its store stays on disk); returns once the
	 * process is gone.
	 */
	void killBrokerGroup(String name) {
		long pid = brokerGroupPid(name).orElseThrow(() -> new IllegalStateException(name + " is not running"));
		ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		awaitGone(pid, Duration.ofSeconds(30));
		try {
			Files.deleteIfExists(brokerGroupReadyFile(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Starts a killed broker group again, on its store and ports, as infra started it
	 * ({@code java @broker.args}); returns once it serves its topics again.
	 */
	void startBrokerGroup(String name) {
		Path args = Path.of(this.ready.getProperty("broker." + name + ".args"));
		Path readyFile = brokerGroupReadyFile(name);
		this.brokerB = new ServiceProcess(name, this.logDir, () -> List.of(LocalInfra.javaBinary(), "@" + args),
				Map.of(), 0);
		this.brokerB.start();
		this.brokerB.awaitReady(Duration.ofMinutes(2), () -> Files.isRegularFile(readyFile));
	}

	private static void awaitGone(long pid, Duration timeout) {
		if (pid <= 0) {
			return;
		}
		ProcessHandle.of(pid).ifPresent((process) -> {
			try {
				process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("process " + pid + " did not exit within " + timeout, ex);
			}
		});
	}

	/**
	 * The broker, NameServer and proxy started (again, on the same store and ports);
	 * returns once they are ready.
	 */
	void startInfra() {
		try {
			Files.deleteIfExists(readyFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.infra.start();
		// Started again when it exits while starting, as a restart policy would.
		this.infra.awaitReady(Duration.ofMinutes(3), () -> Files.isRegularFile(readyFile()));
		// Later starts keep what the databases hold, in the same database server.
		this.resetDatabases = false;
		Properties properties = new Properties();
		try (InputStream in = Files.newInputStream(readyFile())) {
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.ready = properties;
		this.embeddedDb = Boolean.parseBoolean(properties.getProperty("embeddedDb")) ? "always" : "never";
	}

	/** Infra starts that ended with the process exiting before it was ready. */
	int infraFailedStarts() {
		return this.infra.failedStarts();
	}

	List<ServiceProcess> apps() {
		List<ServiceProcess> apps = new ArrayList<>(this.checkbacks);
		apps.add(this.consumer);
		apps.add(this.producer);
		return apps;
	}

	Path logDir() {
		return this.logDir;
	}

	String nameServer() {
		return this.ready.getProperty("namesrv");
	}

	String ordersDatabaseName() {
		return this.ready.getProperty("ordersDb");
	}

	String consumerDatabaseName() {
		return this.ready.getProperty("consumerDb");
	}

	DataSource ordersDatabase() {
		return dataSource("ordersJdbcUrl");
	}

	DataSource consumerDatabase() {
		return dataSource("consumerJdbcUrl");
	}

	/** The server itself, for the faults that act on it (killing connections, locks). */
	DataSource server() {
		return dataSource("dbUrl");
	}

	private DataSource dataSource(String key) {
		return new DriverManagerDataSource(this.ready.getProperty(key), this.ready.getProperty("dbUser"),
				this.ready.getProperty("dbPassword", ""));
	}

	/** Access tokens producer-service accepts: signed with the stack's key. */
	CustomerTokens customerTokens() {
		return CustomerTokens.of(this.ready);
	}

	private Map<String, String> appEnvironment() {
		return Map.ofEntries(Map.entry("ORDERS_DB_URL", this.ready.getProperty("ordersJdbcUrl")),
				Map.entry("CONSUMER_DB_URL", this.ready.getProperty("consumerJdbcUrl")),
				Map.entry("DB_USERNAME", this.ready.getProperty("dbUser")),
				Map.entry("DB_PASSWORD", this.ready.getProperty("dbPassword", "")),
				Map.entry("ROCKETMQ_NAMESRV", nameServer()), Map.entry("SERVER_ADDRESS", "127.0.0.1"),
				Map.entry("JWT_ISSUER", this.ready.getProperty("jwtIssuer")),
				Map.entry("JWT_PUBLIC_KEY_LOCATION", "file:" + this.ready.getProperty("jwtPublicKey")),
				// A check-back that waits this long on an open local transaction answers
				// UNKNOWN and is asked again: shorter than the harness's longest lock.
				Map.entry("CHECKBACK_LOCK_WAIT", "3s"),
				// Generous for a machine loaded by restarts and traffic on 2 cores.
				Map.entry("ROCKETMQ_REQUEST_TIMEOUT", "10s"),
				// The rows a relay killed while holding them are free again after this
				// (30 s by default), still far longer than one publish takes.
				Map.entry("OUTBOX_RELAY_LEASE", "10s"),
				// Rows that failed while the broker was down are tried again within 5 s
				// of its return rather than up to a minute later.
				Map.entry("OUTBOX_RELAY_MAX_RETRY_WAIT", "5s"),
				// The harness registers a webhook receiver through the admin API.
				Map.entry("ADMIN_USERNAME", ADMIN_USERNAME), Map.entry("ADMIN_PASSWORD", this.adminPassword),
				// The receiver is on 127.0.0.1. A failed POST is tried again within
				// seconds; one a killed dispatcher made is taken again 15 s after its
				// claim (at least twice the timeouts: 2 x (5 s + 2 s)).
				Map.entry("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128"),
				Map.entry("WEBHOOK_RETRY_SCHEDULE", "1s,2s,4s,8s,15s,30s"), Map.entry("WEBHOOK_TIMEOUT", "5s"),
				Map.entry("WEBHOOK_CONNECT_TIMEOUT", "2s"), Map.entry("WEBHOOK_LEASE", "15s"));
	}

	/** HTTP Basic credentials of producer-service's and consumer-service's admin API. */
	String adminAuthorization() {
		return "Basic " + Base64.getEncoder()
			.encodeToString((ADMIN_USERNAME + ":" + this.adminPassword).getBytes(StandardCharsets.UTF_8));
	}

	private static Map<String, String> with(Map<String, String> env, String key, int value) {
		Map<String, String> copy = new java.util.HashMap<>(env);
		copy.put(key, String.valueOf(value));
		return copy;
	}

	private Path readyFile() {
		return this.workDir.resolve("infra.ready");
	}

	/**
	 * The broker also listens on port - 2 (fast port) and port + 1 (HA), and broker-b on
	 * the same 10 higher: all must be free.
	 */
	private static int freeBrokerPort() {
		for (int attempt = 0; attempt < 50; attempt++) {
			int port = Loopback.freePort();
			if (port > 1026 && port < 65524 && portFree(port - 2) && portFree(port + 1) && portFree(port + 10)
					&& portFree(port + 8) && portFree(port + 11)) {
				return port;
			}
		}
		throw new IllegalStateException("no two free consecutive ports for the broker");
	}

	private static boolean portFree(int port) {
		try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		for (ServiceProcess app : apps()) {
			if (app != null) {
				app.kill();
			}
		}
		if (this.brokerB != null) {
			this.brokerB.kill();
		}
		this.infra.stop(Duration.ofSeconds(30));
	}

}
