package io.txorders.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.util.FileSystemUtils;

/**
 * The real RocketMQ 5.5 server (NameServer, Broker, gRPC proxy) and the databases,
 * started by {@code deploy/local}'s launcher in a JVM of its own, once per test JVM.
 * Integration tests talk to it over loopback exactly as the services do.
 * <p>
 * Broker check-back timings are short (first check after 1 s) so UNKNOWN transactions
 * resolve within seconds; consumer groups retry 3 times before the DLQ.
 */
public final class LocalInfra {

	private static LocalInfra shared;

	private final Process process;

	private final Properties ready;

	private LocalInfra(Process process, Properties ready) {
		this.process = process;
		this.ready = ready;
	}

	/**
	 * The stack for this test JVM, started on first use and stopped when the JVM exits.
	 */
	public static synchronized LocalInfra shared() {
		if (shared == null) {
			shared = start();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "local-infra-stop"));
		}
		return shared;
	}

	private static LocalInfra start() {
		Path repo = repositoryRoot();
		Path jar = repo.resolve("deploy/local/target/local-stack.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build it first with ./mvnw -pl deploy/local package");
		}
		String module = Paths.get("").toAbsolutePath().getFileName().toString().replace('-', '_');
		String prefix = databasePrefix();
		Path workDir = Paths.get("target", "local-infra").toAbsolutePath();
		Path readyFile = workDir.resolve("ready.properties");
		try {
			// A fresh broker store each run: messages left from an earlier run would be
			// redelivered against the freshly reset databases.
			FileSystemUtils.deleteRecursively(workDir);
			Files.createDirectories(workDir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", jar.toString(), "infra",
				"--embedded-db=auto", "--namesrv-port=0", "--broker-port=0", "--proxy-port=0", "--work-dir=" + workDir,
				"--ready-file=" + readyFile, "--orders-db=" + prefix + module + "_orders",
				"--consumer-db=" + prefix + module + "_consumer", "--reset-db", "--die-with-parent", "--fast-shutdown",
				"--transaction-timeout-ms=1000", "--transaction-check-interval-ms=1000",
				"--transaction-op-batch-interval-ms=200", "--max-retries=3",
				// grpc: the broker's timer wheel on, for ITs whose consumers pop
				// through the proxy (property txorders.it.transport, set by failsafe).
				"--transport=" + System.getProperty("txorders.it.transport", "remoting"),
				// The scripts as they are in the tree, even when the launcher jar
				// is older.
				"--sql-dir=" + repo.resolve("sql")));
		Process process = Processes.startAndAwait(new ProcessBuilder(command), workDir.resolve("infra.log"),
				"local stack ready", Duration.ofMinutes(3), () -> Files.isRegularFile(readyFile));
		return new LocalInfra(process, Processes.load(readyFile));
	}

	private void stop() {
		Processes.stop(this.process, Duration.ofSeconds(20));
	}

	/**
	 * Points producer-service (or checkback) under test at this stack's orders database.
	 */
	public DynamicPropertyRegistrar ordersApp() {
		return withCustomerTokens(properties(this::ordersJdbcUrl));
	}

	/**
	 * Access tokens the customer APIs of {@link #ordersApp()} and {@link #consumerApp()}
	 * accept.
	 */
	public CustomerTokens customerTokens() {
		return CustomerTokens.of(this.ready);
	}

	/** Points consumer-service under test at this stack's consumer database. */
	public DynamicPropertyRegistrar consumerApp() {
		return withCustomerTokens(properties(this::consumerJdbcUrl));
	}

	/**
	 * An app's properties, and its customer API accepting the tokens of customerTokens().
	 */
	private DynamicPropertyRegistrar withCustomerTokens(DynamicPropertyRegistrar app) {
		return (registry) -> {
			app.accept(registry);
			registry.add("txorders.customers.jwt.issuer", () -> this.ready.getProperty("jwtIssuer"));
			registry.add("txorders.customers.jwt.public-key-location",
					() -> "file:" + this.ready.getProperty("jwtPublicKey"));
		};
	}

	/** The datasource at one of the two databases, the kit at the NameServer. */
	private DynamicPropertyRegistrar properties(Supplier<Object> jdbcUrl) {
		return (registry) -> {
			registry.add("spring.datasource.url", jdbcUrl);
			registry.add("spring.datasource.username", this::dbUser);
			registry.add("spring.datasource.password", this::dbPassword);
			registry.add("txorders.messaging.name-server", this::nameServer);
		};
	}

	/**
	 * The directory that holds the root pom and deploy/local, found from the module
	 * directory.
	 */
	public static Path repositoryRoot() {
		Path dir = Paths.get("").toAbsolutePath();
		while (dir != null) {
			if (Files.isDirectory(dir.resolve("deploy/local")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
				return dir;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException(
				"not inside the repository: no deploy/local above " + Paths.get("").toAbsolutePath());
	}

	/**
	 * Test databases are named {@code it_<module>_...}; {@code TXORDERS_IT_DB_PREFIX}
	 * changes the prefix so two checkouts can run their tests on one database server at
	 * once.
	 */
	public static String databasePrefix() {
		String prefix = System.getenv("TXORDERS_IT_DB_PREFIX");
		return (prefix == null || prefix.isBlank()) ? "it_" : prefix;
	}

	public static String javaBinary() {
		return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
	}

	public String nameServer() {
		return this.ready.getProperty("namesrv");
	}

	public String proxy() {
		return this.ready.getProperty("proxy");
	}

	/**
	 * The database server itself, no database named and no parameters (those of
	 * {@link #ordersJdbcUrl()} apply): {@code jdbc:mysql://127.0.0.1:3306/}.
	 */
	public String serverJdbcUrl() {
		return this.ready.getProperty("dbUrl");
	}

	public String ordersJdbcUrl() {
		return this.ready.getProperty("ordersJdbcUrl");
	}

	public String consumerJdbcUrl() {
		return this.ready.getProperty("consumerJdbcUrl");
	}

	public String dbUser() {
		return this.ready.getProperty("dbUser");
	}

	public String dbPassword() {
		return this.ready.getProperty("dbPassword", "");
	}

	public DataSource ordersDataSource() {
		return new DriverManagerDataSource(ordersJdbcUrl(), dbUser(), dbPassword());
	}

	public DataSource consumerDataSource() {
		return new DriverManagerDataSource(consumerJdbcUrl(), dbUser(), dbPassword());
	}

}
