package io.txorders.local;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's command line as tests, scripts and the README use it. Nothing here
 * starts a stack: valid command lines are parsed, only help and invalid input run.
 */
class OptionsTest {

	/**
	 * The infra options callers pass today (LocalInfra, FaultStack, LocalStackProcess).
	 */
	static final List<String> INFRA_OPTIONS = List.of("--db-url", "--db-user", "--db-password", "--embedded-db",
			"--embedded-db-port", "--orders-db", "--consumer-db", "--reset-db", "--namesrv-port", "--broker-port",
			"--brokers", "--proxy-port", "--work-dir", "--ready-file", "--transaction-timeout-ms",
			"--transaction-check-interval-ms", "--transaction-op-batch-interval-ms", "--transaction-check-max",
			"--transaction-topics", "--consumer-groups", "--max-retries", "--die-with-parent", "--fast-shutdown",
			"--sql-dir", "--transport");

	static final List<String> UP_OPTIONS = List.of("--producer-port", "--consumer-port", "--checkback-port",
			"--no-apps");

	private final String logDir = System.getProperty(LocalStack.LOG_DIR_PROPERTY);

	@AfterEach
	void restoreLogDir() {
		// 'up' points the log directory at its work dir before it checks its options.
		if (this.logDir != null) {
			System.setProperty(LocalStack.LOG_DIR_PROPERTY, this.logDir);
		}
	}

	@Test
	void helpListsTheCommandsAndEachCommandsHelpEveryOptionWithItsDefault() {
		Run top = execute("--help");
		assertThat(top.code()).isZero();
		assertThat(top.out()).contains("up", "infra", "Without a command, runs up");

		Run infra = execute("infra", "--help");
		assertThat(infra.code()).isZero();
		assertThat(infra.out()).contains(INFRA_OPTIONS)
			.doesNotContain(UP_OPTIONS)
			.contains("Default: 9876", "Default: order-events,reply-events", "Default: .local-stack");

		Run up = execute("up", "--help");
		assertThat(up.code()).isZero();
		assertThat(up.out()).contains(INFRA_OPTIONS).contains(UP_OPTIONS).contains("Default: 8080");
		assertThat(execute("--no-apps", "--help").out()).isEqualTo(up.out());
	}

	@Test
	void anUnknownOptionIsAnErrorThatNamesIt() {
		Run up = execute("--no-such-option");
		assertThat(up.code()).isEqualTo(2);
		assertThat(up.out()).isEmpty();
		assertThat(up.err()).contains("'--no-such-option'")
			.contains("Try 'java -jar local-stack.jar up --help' for more information.");

		Run infra = execute("infra", "--namesrv-prot=1");
		assertThat(infra.code()).isEqualTo(2);
		assertThat(infra.err()).contains("--namesrv-prot").contains("--namesrv-port");
		assertThat(execute("up", "--namesrv-port=1", "--producer-port=2", "--no-apps", "--db-usr=x").err())
			.contains("--db-usr");
	}

	@Test
	void aTestsInfraCommandLineParsesToItsSettings() {
		ParseResult parsed = parse("infra", "--embedded-db=auto", "--namesrv-port=0", "--broker-port=0",
				"--proxy-port=0", "--work-dir=/tmp/w", "--ready-file=/tmp/w/ready.properties", "--orders-db=it_orders",
				"--consumer-db=it_consumer", "--reset-db", "--die-with-parent", "--fast-shutdown",
				"--transaction-timeout-ms=1000", "--transaction-check-interval-ms=1000",
				"--transaction-op-batch-interval-ms=200", "--max-retries=3", "--sql-dir=/repo/sql", "--db-password=",
				"--consumer-groups= a, b,,c ");
		assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("infra");
		Options options = ((InfraCommand) parsed.subcommand().commandSpec().userObject()).options;
		assertThat(options.sqlDir).isEqualTo(Path.of("/repo/sql"));
		InfraConfig config = InfraConfig.from(options);
		assertThat(config.embeddedDb()).isEqualTo("auto");
		assertThat(config.namesrvPort()).isZero();
		assertThat(config.brokerPort()).isZero();
		assertThat(config.proxyPort()).isZero();
		assertThat(config.workDir()).isEqualTo(Path.of("/tmp/w"));
		assertThat(config.readyFile()).isEqualTo(Path.of("/tmp/w/ready.properties"));
		assertThat(config.ordersDb()).isEqualTo("it_orders");
		assertThat(config.consumerDb()).isEqualTo("it_consumer");
		assertThat(config.resetDb()).isTrue();
		assertThat(config.dieWithParent()).isTrue();
		assertThat(config.fastShutdown()).isTrue();
		assertThat(config.transactionTimeoutMs()).isEqualTo(1000);
		assertThat(config.transactionCheckIntervalMs()).isEqualTo(1000);
		assertThat(config.transactionOpBatchIntervalMs()).isEqualTo(200);
		assertThat(config.maxRetries()).isEqualTo(3);
		assertThat(config.dbPassword()).isEmpty();
		assertThat(config.consumerGroups()).containsExactly("a", "b", "c");
	}

	@Test
	void withoutACommandItIsUp() {
		ParseResult parsed = parse("--no-apps", "--producer-port=9080");
		assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("up");
		UpCommand up = (UpCommand) parsed.subcommand().commandSpec().userObject();
		assertThat(up.noApps).isTrue();
		assertThat(up.producerPort).isEqualTo(9080);
		assertThat(up.consumerPort).isEqualTo(8082);
	}

	@Test
	void upPassesOnTheInfraOptionsGivenExceptThoseItSetsItself() {
		ParseResult parsed = parse("up", "--no-apps", "--broker-port=0", "--reset-db", "--db-password=",
				"--fast-shutdown=false", "--ready-file=/tmp/r", "--die-with-parent", "--consumer-groups=a,b",
				"--producer-port=1", "--brokers=2");
		UpCommand up = (UpCommand) parsed.subcommand().commandSpec().userObject();
		assertThat(up.infraArguments()).containsExactly("--broker-port=0", "--reset-db=true", "--db-password=",
				"--fast-shutdown=false", "--consumer-groups=a,b", "--brokers=2");
	}

	@Test
	void flagsTakeAnOptionalTrueOrFalse() {
		UpCommand up = (UpCommand) parse("up", "--no-apps=false", "--reset-db=true").subcommand()
			.commandSpec()
			.userObject();
		assertThat(up.noApps).isFalse();
		assertThat(up.options.resetDb).isTrue();

		Run maybe = execute("--reset-db=maybe");
		assertThat(maybe.code()).isEqualTo(2);
		assertThat(maybe.err()).contains("--reset-db").contains("maybe");
	}

	@Test
	void rejectsBadValuesNamingTheOption() {
		assertThat(execute("--broker-port=abc").err()).contains("--broker-port").contains("abc");
		assertThat(execute("infra", "stray").err()).contains("'stray'");
		assertThat(execute("infra", "stray").code()).isEqualTo(2);
		assertThatIllegalArgumentException().isThrownBy(() -> InfraConfig.from(infra("--proxy-port=70000")))
			.withMessageContaining("--proxy-port")
			.withMessageContaining("between 0 and 65535");
		assertThatIllegalArgumentException().isThrownBy(() -> InfraConfig.from(infra("--transport=http")))
			.withMessageContaining("--transport must be remoting or grpc, got http");
	}

	@Test
	void theTransportIsRemotingUnlessGrpcIsAsked() {
		assumeTrue(System.getenv("TXORDERS_TRANSPORT") == null, "the environment chooses the default");
		assertThat(InfraConfig.from(infra()).grpc()).isFalse();
		assertThat(InfraConfig.from(infra("--transport=grpc")).grpc()).isTrue();
	}

	@Test
	void aCheckThatFailsInUpIsInvalidInputNamingTheOption(@TempDir Path workDir) {
		Run run = execute("up", "--work-dir=" + workDir, "--no-apps", "--checkback-port=70000");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.err()).contains("--checkback-port must be a port between 0 and 65535, got 70000")
			.contains("Try 'java -jar local-stack.jar up --help'");
	}

	@Test
	void infraConfigDefaults() {
		InfraConfig config = InfraConfig.from(infra());
		assertThat(config.dbUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/");
		assertThat(config.dbUser()).isEqualTo("root");
		assertThat(config.dbPassword()).isEmpty();
		assertThat(config.embeddedDb()).isEqualTo("auto");
		assertThat(config.embeddedDbPort()).isEqualTo(3307);
		assertThat(config.namesrvPort()).isEqualTo(9876);
		assertThat(config.brokerPort()).isEqualTo(10911);
		assertThat(config.proxyPort()).isEqualTo(8081);
		assertThat(config.transactionTimeoutMs()).isEqualTo(5000);
		assertThat(config.transactionCheckIntervalMs()).isEqualTo(5000);
		assertThat(config.transactionOpBatchIntervalMs()).isEqualTo(500);
		assertThat(config.transactionCheckMax()).isEqualTo(15);
		assertThat(config.transactionTopics()).containsExactly("order-events", "reply-events");
		assertThat(config.consumerGroups()).containsExactly("inventory", "payment", "points", "order-replies");
		assertThat(config.maxRetries()).isEqualTo(16);
		assertThat(config.workDir().getFileName()).hasToString(".local-stack");
		assertThat(config.readyFile()).isNull();
		assertThat(config.resetDb()).isFalse();
		assertThat(config.dieWithParent()).isFalse();
		assertThat(config.fastShutdown()).isFalse();
		assertThat(config.brokers()).isEqualTo(1);
	}

	@Test
	void brokersIsOneToFourNamingTheOption() {
		assertThat(InfraConfig.from(infra("--brokers=2")).brokers()).isEqualTo(2);
		assertThat(InfraConfig.from(infra("--brokers=4")).brokers()).isEqualTo(4);
		for (String bad : List.of("0", "5", "-1")) {
			assertThatIllegalArgumentException().isThrownBy(() -> InfraConfig.from(infra("--brokers=" + bad)))
				.withMessage("--brokers must be 1 to 4 (broker groups broker-a to broker-d), got " + bad);
		}
		Run run = execute("up", "--no-apps", "--brokers=9");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.err()).contains("--brokers must be 1 to 4");
		assertThat(BrokerGroup.name(0)).isEqualTo("broker-a");
		assertThat(BrokerGroup.name(3)).isEqualTo("broker-d");
		assertThatIllegalArgumentException().isThrownBy(() -> BrokerGroup.name(4));
	}

	@Test
	void theBrokerCommandInfraWritesParsesBackToTheSameGroup() {
		InfraConfig config = InfraConfig.from(infra("--transaction-timeout-ms=2000",
				"--transaction-check-interval-ms=3000", "--transaction-op-batch-interval-ms=500",
				"--transaction-check-max=150", "--max-retries=3", "--consumer-groups=g1,g2", "--fast-shutdown"));
		BrokerGroup group = new BrokerGroup("broker-b", 20921, Path.of("/w/broker-b/home"),
				Path.of("/w/broker-b/store"), "127.0.0.1:9876", BrokerGroup.Settings.of(config));
		List<String> arguments = BrokerCommand.arguments(Path.of("/x/local-stack.jar"), group, Path.of("/w/broker-b"),
				config, 4242);
		assertThat(arguments.subList(0, 4)).containsExactly("-Xmx256m", "-jar", "/x/local-stack.jar", "broker");
		ParseResult parsed = parse(arguments.subList(3, arguments.size()).toArray(String[]::new));
		BrokerCommand command = (BrokerCommand) parsed.subcommand().commandSpec().userObject();
		assertThat(command.stopWithPid).isEqualTo(4242);
		assertThat(command.fastShutdown).isTrue();
		BrokerGroup parsedGroup = command.group(Path.of("/w/broker-b"));
		assertThat(parsedGroup.name()).isEqualTo("broker-b");
		assertThat(parsedGroup.address()).isEqualTo("127.0.0.1:20921");
		assertThat(parsedGroup.namesrvAddress()).isEqualTo("127.0.0.1:9876");
		assertThat(command.transactionCheckMax).isEqualTo(150);
		assertThat(command.transactionCheckIntervalMs).isEqualTo(3000);
		assertThat(command.consumerGroups).isEqualTo("g1,g2");
	}

	@Test
	void theBrokerCommandRefusesWhatInfraWouldNotStart() {
		assertThat(brokerError("--name=broker-a")).contains("--name must be broker-b to broker-d");
		assertThat(brokerError("--name=broker-e")).contains("--name must be broker-b to broker-d");
		assertThat(brokerError("--name=broker-b", "--broker-port=2")).contains("--broker-port must be between 3");
		assertThat(brokerError("--name=broker-b", "--namesrv=nowhere")).contains("--namesrv must be host:port");
		assertThat(brokerError("--name=broker-b", "--transaction-timeout-ms=1000",
				"--transaction-op-batch-interval-ms=900"))
			.contains("--transaction-op-batch-interval-ms");
		Run missing = execute("broker", "--name=broker-b");
		assertThat(missing.code()).isEqualTo(2);
		assertThat(missing.err()).contains("Missing required options").contains("--namesrv");
	}

	/** The error of a broker command with these options, valid otherwise. */
	private static String brokerError(String... options) {
		List<String> args = new java.util.ArrayList<>(List.of("broker"));
		args.addAll(List.of(options));
		for (String option : List.of("--namesrv=127.0.0.1:1", "--broker-port=10921", "--work-dir=/nonexistent/b")) {
			String name = option.substring(0, option.indexOf('=') + 1);
			if (args.stream().noneMatch((given) -> given.startsWith(name))) {
				args.add(option);
			}
		}
		BrokerCommand command = (BrokerCommand) parse(args.toArray(String[]::new)).subcommand()
			.commandSpec()
			.userObject();
		try {
			command.group(Path.of("/nonexistent/broker-b"));
			return "";
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
	}

	/** The launcher reads the file back to the same arguments, spaces and quotes kept. */
	@Test
	void anArgumentFileGivesTheJavaLauncherTheSameArguments(@TempDir Path dir) throws Exception {
		String value = "/a b/\"q\" \\z";
		Path file = dir.resolve("broker.args");
		Files.writeString(file, ExtraBrokers.argFile(List.of("-Dlocal.stack.test=" + value, "-Dlocal.stack.other=1",
				"-XshowSettings:properties", "-version")));
		Process java = new ProcessBuilder(UpCommand.javaExecutable(), "@" + file).redirectErrorStream(true).start();
		String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(java.waitFor()).as(out).isZero();
		assertThat(out).contains("local.stack.test = " + value + "\n").contains("local.stack.other = 1");
	}

	@Test
	void refusesAnOpBatchIntervalCloseToTheTimeout() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InfraConfig
				.from(infra("--transaction-timeout-ms=1000", "--transaction-op-batch-interval-ms=3000")))
			.withMessageContaining("--transaction-op-batch-interval-ms");
		InfraConfig ok = InfraConfig
			.from(infra("--transaction-timeout-ms=1000", "--transaction-op-batch-interval-ms=200"));
		assertThat(ok.transactionOpBatchIntervalMs()).isEqualTo(200);
	}

	@Test
	void validatesDbUrlAndMode() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InfraConfig.from(infra("--db-url=jdbc:mysql://h:3306/orders")))
			.withMessageContaining("--db-url");
		assertThatIllegalArgumentException().isThrownBy(() -> InfraConfig.from(infra("--embedded-db=sometimes")))
			.withMessageContaining("--embedded-db");
		assertThat(Database.normaliseServerUrl("jdbc:mysql://db:3306")).isEqualTo("jdbc:mysql://db:3306/");
	}

	private static ParseResult parse(String... args) {
		return LocalStack.commandLine().parseArgs(LocalStack.withDefaultCommand(args));
	}

	private static Options infra(String... options) {
		String[] args = new String[options.length + 1];
		args[0] = "infra";
		System.arraycopy(options, 0, args, 1, options.length);
		return ((InfraCommand) parse(args).subcommand().commandSpec().userObject()).options;
	}

	private static Run execute(String... args) {
		CommandLine commandLine = LocalStack.commandLine();
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		int code = commandLine.execute(LocalStack.withDefaultCommand(args));
		return new Run(code, out.toString(), err.toString());
	}

	record Run(int code, String out, String err) {
	}

}
