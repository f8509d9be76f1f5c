package io.txorders.local;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command line: a subcommand and {@code --name=value} / {@code --flag} options.
 * Hand-written because the launcher needs a dozen options, not a CLI framework.
 */
final class Options {

	private final String command;

	private final Map<String, String> values;

	private Options(String command, Map<String, String> values) {
		this.command = command;
		this.values = values;
	}

	/**
	 * Parse arguments. The first argument that does not start with {@code --} is the
	 * subcommand; without one the subcommand is {@code defaultCommand}.
	 * @param args the arguments
	 * @param defaultCommand the subcommand when none is given
	 * @return the parsed options
	 * @throws IllegalArgumentException on malformed arguments
	 */
	static Options parse(String[] args, String defaultCommand) {
		String command = null;
		Map<String, String> values = new LinkedHashMap<>();
		for (String arg : args) {
			if (arg.startsWith("--")) {
				String body = arg.substring(2);
				if (body.isEmpty()) {
					throw new IllegalArgumentException("empty option '--'");
				}
				int eq = body.indexOf('=');
				String name = (eq < 0) ? body : body.substring(0, eq);
				String value = (eq < 0) ? "true" : body.substring(eq + 1);
				if (name.isEmpty()) {
					throw new IllegalArgumentException("option without a name: " + arg);
				}
				values.put(name, value);
			}
			else if (command == null && values.isEmpty()) {
				command = arg;
			}
			else {
				throw new IllegalArgumentException(
						"unexpected argument '" + arg + "' (options look like --name=value)");
			}
		}
		return new Options((command != null) ? command : defaultCommand, values);
	}

	String command() {
		return this.command;
	}

	Map<String, String> asMap() {
		return Collections.unmodifiableMap(this.values);
	}

	boolean has(String name) {
		return this.values.containsKey(name);
	}

	String get(String name, String defaultValue) {
		return this.values.getOrDefault(name, defaultValue);
	}

	int getInt(String name, int defaultValue) {
		String value = this.values.get(name);
		if (value == null) {
			return defaultValue;
		}
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'", ex);
		}
	}

	int getPort(String name, int defaultValue) {
		int port = getInt(name, defaultValue);
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("--" + name + " must be a port between 0 and 65535, got " + port);
		}
		return port;
	}

	boolean getFlag(String name) {
		String value = this.values.get(name);
		if (value == null) {
			return false;
		}
		if (value.equalsIgnoreCase("true")) {
			return true;
		}
		if (value.equalsIgnoreCase("false")) {
			return false;
		}
		throw new IllegalArgumentException("--" + name + " is a flag: use --" + name + " or --" + name + "=false");
	}

	List<String> getList(String name, String defaultValue) {
		List<String> items = new ArrayList<>();
		for (String item : get(name, defaultValue).split(",")) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		return items;
	}

	/**
	 * Reject options nobody reads, so a typo fails instead of silently using a default.
	 * @param known the option names the subcommand understands
	 */
	void requireKnown(Set<String> known) {
		List<String> unknown = new ArrayList<>();
		for (String name : this.values.keySet()) {
			if (!known.contains(name)) {
				unknown.add("--" + name);
			}
		}
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("unknown option(s) for '" + this.command + "': "
					+ String.join(", ", unknown) + " (run with 'help' for the list)");
		}
	}

	/**
	 * The options back as arguments, for passing them on to a child process.
	 * @param exclude names not to pass on
	 * @return {@code --name=value} arguments
	 */
	List<String> toArgs(Set<String> exclude) {
		List<String> args = new ArrayList<>();
		this.values.forEach((name, value) -> {
			if (!exclude.contains(name)) {
				args.add("--" + name + "=" + value);
			}
		});
		return args;
	}

}
