package io.txorders.local;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point: {@code infra} (database + RocketMQ in this JVM) or {@code up} (infra in a
 * child JVM plus the three apps), {@code up} when no command is given.
 */
@Command(name = "java -jar local-stack.jar", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
		versionProvider = LocalStack.Version.class, showDefaultValues = true, sortOptions = false,
		abbreviateSynopsis = true,
		description = { "The local stack: RocketMQ 5 and a database, and the three apps.",
				"Without a command, runs up. '<command> --help' lists a command's options." },
		subcommands = { UpCommand.class, InfraCommand.class, BrokerCommand.class, TokenCommand.class,
				CommandLine.HelpCommand.class })
public final class LocalStack implements Runnable {

	static final String LOG_DIR_PROPERTY = "local.stack.log.dir";

	private static final String DEFAULT_COMMAND = "up";

	private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

	@Spec
	CommandSpec spec;

	private LocalStack() {
	}

	public static void main(String[] args) {
		System.exit(commandLine().execute(withDefaultCommand(args)));
	}

	/**
	 * The command line with its error handling: invalid input exits 2 with a message
	 * naming what is wrong, a failure to start exits 2 with its reason, anything else 1.
	 * @return the command line, ready to execute
	 */
	static CommandLine commandLine() {
		return new CommandLine(new LocalStack()).setParameterExceptionHandler(LocalStack::invalidInput)
			.setExecutionExceptionHandler(LocalStack::failed);
	}

	/**
	 * {@code up} unless the arguments start with a command or ask for the top-level help.
	 * @param args the arguments
	 * @return the arguments, with the default command in front where it is implied
	 */
	static String[] withDefaultCommand(String[] args) {
		if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL_OPTIONS.contains(args[0]))) {
			return args;
		}
		List<String> withCommand = new ArrayList<>(List.of(DEFAULT_COMMAND));
		withCommand.addAll(List.of(args));
		return withCommand.toArray(String[]::new);
	}

	@Override
	public void run() {
		// Reached only when no command was parsed, which withDefaultCommand prevents.
		this.spec.commandLine().usage(this.spec.commandLine().getOut());
	}

	/**
	 * Run a check of the parsed options, reporting what it rejects as invalid input.
	 * @param <T> what the check returns
	 * @param spec the command whose options are checked
	 * @param check the check, throwing IllegalArgumentException naming the option
	 * @return what the check returns
	 */
	static <T> T valid(CommandSpec spec, Supplier<T> check) {
		try {
			return check.get();
		}
		catch (IllegalArgumentException ex) {
			throw new ParameterException(spec.commandLine(), ex.getMessage(), ex);
		}
	}

	/**
	 * Keep every file of the infra JVM under the work dir. Must run before the first
	 * logger is created: rmq.logback.xml reads {@code local.stack.log.dir}. RocketMQ also
	 * writes below {@code user.home} where no setting reaches (RocksDB's info log under
	 * ~/logs/rocketmqlogs), so this JVM's home is the work dir.
	 * @param workDir the work dir
	 */
	static void redirectFiles(Path workDir) {
		System.setProperty(LOG_DIR_PROPERTY, workDir.resolve("logs").toString());
		System.setProperty("user.home", workDir.toString());
	}

	/** The message, then where to look: the usage help would bury it. */
	private static int invalidInput(ParameterException ex, String[] args) {
		CommandLine command = ex.getCommandLine();
		PrintWriter err = command.getErr();
		err.println("[local-stack] ERROR: " + ex.getMessage());
		UnmatchedArgumentException.printSuggestions(ex, err);
		err.print(command.getHelp().fullSynopsis());
		err.printf("Try '%s --help' for more information.%n", command.getCommandSpec().qualifiedName());
		err.flush();
		return command.getCommandSpec().exitCodeOnInvalidInput();
	}

	private static int failed(Exception ex, CommandLine command, ParseResult parseResult) {
		if (ex instanceof StackException || ex instanceof IllegalArgumentException) {
			Console.error(ex.getMessage());
			return 2;
		}
		Console.error("unexpected failure: " + ex);
		// The stack trace belongs in the log file, not on the console.
		org.slf4j.LoggerFactory.getLogger(LocalStack.class).error("local-stack failed", ex);
		return 1;
	}

	/** The version in the jar's manifest. */
	static final class Version implements IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = LocalStack.class.getPackage().getImplementationVersion();
			return new String[] { "local-stack " + ((version != null) ? version : "(not run from its jar)") };
		}

	}

}
