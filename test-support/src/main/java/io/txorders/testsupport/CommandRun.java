package io.txorders.testsupport;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/**
 * One run of a picocli command in a test, with what it printed.
 *
 * @param code the exit code ({@code 2} for invalid input)
 * @param out standard output
 * @param err standard error
 */
public record CommandRun(int code, String out, String err) {

	/** Runs the command with {@code args}, capturing both streams. */
	public static CommandRun execute(CommandLine commandLine, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		int code = commandLine.execute(args);
		return new CommandRun(code, out.toString(), err.toString());
	}

	/** Parses {@code args} into the command's options without running it. */
	public static <T> T parse(CommandLine commandLine, String... args) {
		commandLine.parseArgs(args);
		return commandLine.getCommand();
	}

}
