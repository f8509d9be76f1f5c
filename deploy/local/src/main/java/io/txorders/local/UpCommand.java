package io.txorders.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code up}: infra in a child JVM, then the three apps, each in a JVM of its own, then
 * the commands to try. Ctrl-C stops the apps, then infra.
 */
@Command(name = "up", description = { "Infra in a child JVM, then checkback, producer-service and consumer-service,"
		+ " each in a JVM of its own; Ctrl-C stops them all. The default command." })
final class UpCommand implements Callable<Integer> {

	private static final Duration INFRA_TIMEOUT = Duration.ofMinutes(3);

	private static final Duration APP_TIMEOUT = Duration.ofSeconds(120);

	/** Infra options that up sets itself for its child. */
	private static final Set<String> NOT_PASSED_ON = Set.of("--ready-file", "--die-with-parent");

	@Option(names = "--producer-port", paramLabel = "<port>", defaultValue = "8080",
			description = "producer-service's HTTP port.")
	int producerPort;

	@Option(names = "--consumer-port", paramLabel = "<port>", defaultValue = "8082",
			description = "consumer-service's HTTP port.")
	int consumerPort;

	@Option(names = "--checkback-port", paramLabel = "<port>", defaultValue = "8083",
			description = "checkback's HTTP port.")
	int checkbackPort;

	@Option(names = "--no-apps", arity = "0..1", paramLabel = "true|false", defaultValue = "false",
			fallbackValue = "true", showDefaultValue = Visibility.ALWAYS,
			description = "Start only infra (database, NameServer, broker, gRPC proxy).")
	boolean noApps;

	@ArgGroup(validate = false, heading = "%nInfra options (up passes them on to infra):%n")
	Options options = new Options();

	@Spec
	CommandSpec spec;

	private InfraConfig infraConfig;

	private final Deque<Child> children = new ArrayDeque<>();

	private volatile boolean stopping;

	@Override
	public Integer call() throws Exception {
		System.setProperty(LocalStack.LOG_DIR_PROPERTY, this.options.workDir().resolve("logs").toString());
		this.infraConfig = LocalStack.valid(this.spec, () -> {
			InfraConfig.port("--producer-port", this.producerPort);
			InfraConfig.port("--consumer-port", this.consumerPort);
			InfraConfig.port("--checkback-port", this.checkbackPort);
			return InfraConfig.from(this.options);
		});
		return run();
	}

	private int run() throws Exception {
		Path jar = ownJar();
		List<App> apps = List.of();
		if (!this.noApps) {
			Path root = repoRoot();
			apps = List.of(new App("checkback", findAppJar(root, "checkback"), this.checkbackPort, "--checkback-port"),
					new App("producer-service", findAppJar(root, "producer-service"), this.producerPort,
							"--producer-port"),
					new App("consumer-service", findAppJar(root, "consumer-service"), this.consumerPort,
							"--consumer-port"));
			for (App app : apps) {
				Ports.requireFree(app.port(), app.name(), app.option());
			}
		}
		Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "local-stack-up-shutdown"));
		if (this.infraConfig.dieWithParent()) {
			// A test that forks 'up' may be killed outright: the stack goes with it.
			ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(1)));
		}

		Path logs = Files.createDirectories(this.infraConfig.workDir().resolve("logs"));
		Path readyFile = (this.infraConfig.readyFile() != null) ? this.infraConfig.readyFile()
				: this.infraConfig.workDir().resolve("infra.ready");
		Files.deleteIfExists(readyFile);
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx512m", "-jar", jar.toString(), "infra"));
		command.addAll(infraArguments());
		command.add("--ready-file=" + readyFile);
		command.add("--die-with-parent");
		long start = System.nanoTime();
		Console.step("starting infra (database, NameServer, broker, gRPC proxy) in a child JVM");
		// Its progress lines are worth seeing live: inherit the console.
		Process infra = new ProcessBuilder(command).inheritIO().start();
		this.children.push(new Child("infra", infra, Duration.ofSeconds(40)));
		Properties ready = awaitReadyFile(infra, readyFile);
		Console.step("infra ready (pid " + infra.pid() + ")", start);

		for (App app : apps) {
			startApp(app, ready, logs, this.consumerPort);
		}
		for (App app : apps) {
			awaitHealthy(app, logs);
		}
		printTryIt(ready, apps, this.producerPort);
		int exit = infra.waitFor();
		if (this.stopping) {
			// Ctrl-C: the shutdown hook stopped infra on purpose.
			return 0;
		}
		Console.error("infra exited with code " + exit + "; see " + logs.resolve("rocketmq.log"));
		return (exit == 0) ? 0 : 1;
	}

	/**
	 * The infra options as given on this command line, for the infra child.
	 * @return {@code --name=value} arguments
	 */
	List<String> infraArguments() {
		List<String> arguments = new ArrayList<>();
		for (OptionSpec option : this.spec.commandLine().getParseResult().matchedOptions()) {
			if (option.group() != null && !NOT_PASSED_ON.contains(option.longestName())) {
				List<String> values = option.originalStringValues();
				arguments.add(option.longestName() + "=" + (values.isEmpty() ? "" : values.get(values.size() - 1)));
			}
		}
		return arguments;
	}

	private Properties awaitReadyFile(Process infra, Path readyFile) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + INFRA_TIMEOUT.toNanos();
		while (!Files.exists(readyFile)) {
			if (!infra.isAlive()) {
				throw new StackException("infra exited with code " + infra.exitValue()
						+ " before it was ready; its messages are above, details in "
						+ this.infraConfig.workDir().resolve("logs").resolve("rocketmq.log"));
			}
			if (System.nanoTime() > deadline) {
				throw new StackException("infra was not ready after " + INFRA_TIMEOUT.toSeconds() + " s; see "
						+ this.infraConfig.workDir().resolve("logs").resolve("rocketmq.log"));
			}
			infra.waitFor(200, TimeUnit.MILLISECONDS);
		}
		return ReadyFile.read(readyFile);
	}

	private void startApp(App app, Properties ready, Path logs, int consumerPort) throws IOException {
		Path log = logs.resolve(app.name() + ".log");
		// RocketMQ's client log goes beside the app's log, not to ~/logs/rocketmqlogs.
		ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "-Xmx256m",
				"-Drocketmq.log.root=" + logs.resolve(app.name() + "-rocketmq"), "-jar", app.jar().toString());
		Map<String, String> env = builder.environment();
		env.put("ORDERS_DB_URL", ready.getProperty("ordersJdbcUrl"));
		env.put("CONSUMER_DB_URL", ready.getProperty("consumerJdbcUrl"));
		env.put("DB_USERNAME", ready.getProperty("dbUser"));
		env.put("DB_PASSWORD", ready.getProperty("dbPassword"));
		env.put("ROCKETMQ_NAMESRV", ready.getProperty("namesrv"));
		if (this.infraConfig.grpc()) {
			// Every producer and consumer through the proxy (rocketmq-client-java), on
			// loopback without TLS; the NameServer stays for the broker watch's gauges
			// and the admin's dead letters.
			env.put("ROCKETMQ_ENDPOINTS", ready.getProperty("proxy"));
			env.put("ROCKETMQ_TLS", "false");
		}
		env.put("SERVER_PORT", String.valueOf(app.port()));
		env.put("SERVER_ADDRESS", "127.0.0.1");
		// An order whose Try replies do not all come (a consumer stopped) is cancelled
		// within seconds here, not the production default's 15 minutes; the environment
		// may say otherwise.
		env.putIfAbsent("ORDER_CONFIRM_TIMEOUT", "10s");
		env.putIfAbsent("ORDER_TIMEOUT_SWEEP", "2s");
		// The local message table (OUTBOX_MODE, inherited: FALLBACK unless set). Rows a
		// killed relay had claimed come back after 10 s rather than 30; the breaker
		// tries the broker again after 3 s and a failing row waits at most 10 s, so a
		// restarted broker drains the table within seconds.
		env.putIfAbsent("OUTBOX_RELAY_LEASE", "10s");
		env.putIfAbsent("OUTBOX_BREAKER_OPEN_FOR", "3s");
		env.putIfAbsent("OUTBOX_RELAY_MAX_RETRY_WAIT", "10s");
		// Webhooks (docs/webhooks.md): a receiver on this machine may be registered; a
		// failing one is retried within seconds and given up after about 2 minutes.
		env.putIfAbsent("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");
		env.putIfAbsent("WEBHOOK_RETRY_SCHEDULE", "2s,5s,15s,30s,1m");
		// producer-service's admin page reads dead letters and reconciliation from this
		// consumer-service. ADMIN_USERNAME / ADMIN_PASSWORD, if set, are inherited.
		env.put("CONSUMER_ADMIN_URL", "http://127.0.0.1:" + consumerPort);
		// The customer APIs (producer-service's orders, consumer-service's accounts)
		// accept the tokens this stack signs (see the token command).
		env.put("JWT_ISSUER", ready.getProperty("jwtIssuer"));
		env.put("JWT_PUBLIC_KEY_LOCATION", "file:" + ready.getProperty("jwtPublicKey"));
		builder.redirectErrorStream(true).redirectOutput(log.toFile());
		Process process = builder.start();
		// consumer-service's push consumers wait up to 15 s for the messages they are
		// applying, after Boot's graceful phase.
		Duration grace = app.name().equals("consumer-service") ? Duration.ofSeconds(45) : Duration.ofSeconds(20);
		this.children.push(new Child(app.name(), process, grace));
		Console.step(app.name() + " starting (pid " + process.pid() + ", port " + app.port() + ", log " + log + ")");
	}

	private void awaitHealthy(App app, Path logs) throws InterruptedException, URISyntaxException {
		long start = System.nanoTime();
		long deadline = start + APP_TIMEOUT.toNanos();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest request = HttpRequest.newBuilder(new URI("http://127.0.0.1:" + app.port() + "/actuator/health"))
			.timeout(Duration.ofSeconds(3))
			.GET()
			.build();
		Process process = processOf(app.name());
		String lastProblem = "no answer yet";
		while (true) {
			if (process != null && !process.isAlive()) {
				throw new StackException(app.name() + " exited with code " + process.exitValue()
						+ " while starting; see " + logs.resolve(app.name() + ".log"));
			}
			try {
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					Console.step(app.name() + " healthy on http://127.0.0.1:" + app.port(), start);
					return;
				}
				lastProblem = "HTTP " + response.statusCode() + " " + response.body();
			}
			catch (IOException ex) {
				// Connection refused until the app has bound its port.
				lastProblem = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			}
			if (System.nanoTime() > deadline) {
				throw new StackException(
						app.name() + " did not answer /actuator/health with 200 within " + APP_TIMEOUT.toSeconds()
								+ " s (last: " + lastProblem + "); see " + logs.resolve(app.name() + ".log"));
			}
			Thread.sleep(500);
		}
	}

	private Process processOf(String name) {
		for (Child child : this.children) {
			if (child.name().equals(name)) {
				return child.process();
			}
		}
		return null;
	}

	private void printTryIt(Properties ready, List<App> apps, int producerPort) {
		Console.line("");
		Console.line("local stack is up:");
		Console.line("  NameServer " + ready.getProperty("namesrv") + ", gRPC proxy " + ready.getProperty("proxy"));
		Console.line("  brokers     " + brokerGroups(ready));
		Console.line("  the apps' transport: " + (this.infraConfig.grpc() ? "gRPC through the proxy (--transport=grpc)"
				: "remoting through the NameServer (--transport=grpc for the proxy)"));
		Console.line("  orders DB   " + ready.getProperty("ordersJdbcUrl"));
		Console.line("  consumer DB " + ready.getProperty("consumerJdbcUrl"));
		if (apps.isEmpty()) {
			Console.line("  (--no-apps: only infra is running)");
		}
		else {
			String base = "http://127.0.0.1:" + producerPort;
			Console.line("  orders API  " + base + "/orders (described at " + base + "/v3/api-docs)");
			Console.line("  catalog     " + base + "/catalog (public)");
			Console.line("");
			Path demoToken = this.infraConfig.workDir().resolve("demo-token");
			Console.line("Customer 'demo' is signed in with this token, valid 12 h, also in " + demoToken + ":");
			Console.line("  " + writeDemoToken(demoToken));
			Console.line("Another customer: java -jar deploy/local/target/local-stack.jar token --user=NAME");
			Console.line("Place an order:");
			Console.line("  curl -i -X POST " + base + "/orders -H 'Content-Type: application/json'"
					+ " -H \"Authorization: Bearer $(cat " + demoToken + ")\" -H 'Idempotency-Key: demo-1'"
					+ " -d '{\"items\":[{\"sku\":\"BOOK-001\",\"quantity\":1}]}'");
			Console.line("Look at it (id from the Location header):");
			Console.line("  curl -s -H \"Authorization: Bearer $(cat " + demoToken + ")\" " + base + "/orders/{id}");
			Console.line("The customer's account (consumer-service):");
			Console.line("  curl -s -H \"Authorization: Bearer $(cat " + demoToken + ")\" http://127.0.0.1:"
					+ this.consumerPort + "/accounts/me");
			boolean admin = hasText(System.getenv("ADMIN_USERNAME")) && hasText(System.getenv("ADMIN_PASSWORD"));
			Console.line(admin ? "Admin page: " + base + "/admin/ (user " + System.getenv("ADMIN_USERNAME") + ")"
					: "Admin page: off (set ADMIN_USERNAME and ADMIN_PASSWORD to switch it on)");
			String outbox = hasText(System.getenv("OUTBOX_MODE")) ? System.getenv("OUTBOX_MODE") : "FALLBACK";
			Console.line("Events the broker cannot take: OUTBOX_MODE=" + outbox
					+ " (FALLBACK: the local message table while it is down; ALWAYS: always; OFF: refused)");
			if (admin) {
				Console.line("Webhooks: register a receiver (127.0.0.1 is allowed here) on the admin page's"
						+ " Webhooks section or at " + base + "/admin/api/webhooks (docs/webhooks.md)");
			}
		}
		Console.line("");
		Console.line("Ctrl-C stops everything. Logs: " + this.infraConfig.workDir().resolve("logs"));
	}

	/** Each broker group with its address, and pid for those in JVMs of their own. */
	static String brokerGroups(Properties ready) {
		List<String> groups = new ArrayList<>();
		for (String name : ready.getProperty("brokers", RocketMqStack.BROKER_NAME).split(",")) {
			String pid = ready.getProperty("broker." + name + ".pid");
			groups.add(name + " " + ready.getProperty("broker." + name + ".address", "?")
					+ ((pid != null) ? " (pid " + pid + ")" : " (in infra)"));
		}
		return String.join(", ", groups);
	}

	/** A new token for customer {@code demo}, also written to {@code file}. */
	private String writeDemoToken(Path file) {
		String token = CustomerTokens.inWorkDir(this.infraConfig.workDir()).issue("demo", Duration.ofHours(12));
		try {
			Files.writeString(file, token + "\n");
			// A bearer token: only the user who started the stack may read it.
			CustomerTokens.restrict(file);
		}
		catch (IOException ex) {
			throw new StackException("cannot write " + file + ": " + ex.getMessage(), ex);
		}
		return token;
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

	/**
	 * Stop the apps (newest first), then infra: by the handles of the processes started
	 * here, politely first, forcibly after a grace period.
	 */
	private void stopAll() {
		this.stopping = true;
		while (!this.children.isEmpty()) {
			Child child = this.children.pop();
			Process process = child.process();
			if (!process.isAlive()) {
				continue;
			}
			long start = System.nanoTime();
			Console.step("stopping " + child.name() + " (pid " + process.pid() + ")");
			process.destroy();
			try {
				if (!process.waitFor(child.grace().toMillis(), TimeUnit.MILLISECONDS)) {
					Console.step(child.name() + " did not stop within " + child.grace().toSeconds() + " s; killing it");
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
			Console.step(child.name() + " stopped", start);
		}
	}

	static Path ownJar() {
		// With 'java -jar', the class path is exactly the launcher jar; the code source
		// URLs of Boot's nested jars are not plain files, so this is the reliable way.
		String classPath = System.getProperty("java.class.path", "");
		if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar")) {
			Path jar = Path.of(classPath).toAbsolutePath();
			if (Files.isRegularFile(jar)) {
				return jar;
			}
		}
		throw new StackException(
				"'up' must run from the local-stack jar (java -jar deploy/local/target/local-stack.jar up)");
	}

	/**
	 * Walk up from the current directory to the repo root: the folder with
	 * {@code pom.xml} and the built launcher.
	 * @return the repo root
	 */
	static Path repoRoot() {
		Path start = Path.of("").toAbsolutePath();
		for (Path dir = start; dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("pom.xml"))
					&& Files.isRegularFile(dir.resolve("deploy/local/target/local-stack.jar"))) {
				return dir;
			}
		}
		throw new StackException("cannot find the repo root from " + start
				+ ": run from inside the repo after ./mvnw -DskipTests package (or use --no-apps)");
	}

	static Path findAppJar(Path root, String module) throws IOException {
		Path target = root.resolve(module).resolve("target");
		if (Files.isDirectory(target)) {
			try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
				for (Path jar : jars) {
					return jar;
				}
			}
		}
		throw new StackException("missing " + root.relativize(target) + "/" + module + "-*-exec.jar: build the apps"
				+ " with ./mvnw -DskipTests package from " + root + " (or start only infra with --no-apps)");
	}

	static String javaExecutable() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	record App(String name, Path jar, int port, String option) {
	}

	record Child(String name, Process process, Duration grace) {
	}

}
