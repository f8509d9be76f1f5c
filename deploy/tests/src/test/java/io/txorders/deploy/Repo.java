package io.txorders.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.txorders.testsupport.LocalInfra;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the deploy files are checked against, read from the repository itself: each app's
 * environment variables (the {@code ${NAME:default}} of its application.yml), the meter
 * names its main sources register, deploy/local's topic and group defaults, the image
 * names the parent pom gives Jib.
 */
final class Repo {

	/** The apps with a container image: module = image name = compose service prefix. */
	static final List<String> APPS = List.of("producer-service", "consumer-service", "checkback");

	/** Variables the JVM reads, not the application: allowed anywhere. */
	static final Set<String> PLATFORM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

	private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");

	static final Path ROOT = LocalInfra.repositoryRoot();

	private Repo() {
	}

	static Path path(String relative) {
		return ROOT.resolve(relative);
	}

	static String read(String relative) {
		return read(path(relative));
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Yaml yaml() {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		return new Yaml(new SafeConstructor(options));
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> yamlFile(String relative) {
		return (Map<String, Object>) yaml().load(read(relative));
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> yamlDocuments(String relative) {
		List<Map<String, Object>> documents = new ArrayList<>();
		for (Object document : yaml().loadAll(read(relative))) {
			if (document != null) {
				documents.add((Map<String, Object>) document);
			}
		}
		return documents;
	}

	/**
	 * The environment variables an app reads, with their defaults, from its
	 * application.yml.
	 */
	static Map<String, String> environment(String app) {
		return environmentOf(read(app + "/src/main/resources/application.yml"));
	}

	static Map<String, String> environmentOf(String applicationYml) {
		Map<String, String> variables = new TreeMap<>();
		Matcher matcher = ENV_PLACEHOLDER.matcher(applicationYml);
		while (matcher.find()) {
			variables.put(matcher.group(1), matcher.group(2));
		}
		return variables;
	}

	/**
	 * Variables a deployment must set: their defaults only work on a developer's machine
	 * (loopback addresses) or are credentials.
	 */
	static Set<String> required(Map<String, String> environment) {
		Set<String> required = new java.util.TreeSet<>();
		environment.forEach((name, defaultValue) -> {
			// JWT_ISSUER: producer-service and consumer-service need it to start.
			if (defaultValue.contains("127.0.0.1") || name.equals("DB_USERNAME") || name.equals("DB_PASSWORD")
					|| name.equals("JWT_ISSUER")) {
				required.add(name);
			}
		});
		return required;
	}

	/** The union of every app's variables. */
	static Map<String, String> allEnvironment() {
		Map<String, String> all = new TreeMap<>();
		APPS.forEach(app -> all.putAll(environment(app)));
		return all;
	}

	/**
	 * The Prometheus names the apps' meters can be scraped under, by meter type: counters
	 * {@code _total}, timers {@code _seconds_count/_sum/_max/_bucket}, gauges as they
	 * are.
	 */
	static Set<String> prometheusNames() {
		StringBuilder sources = new StringBuilder();
		// The apps' own meters, and the kit's that every app registers.
		for (String module : Stream.concat(APPS.stream(), Stream.of("transactional-messaging")).toList()) {
			try (Stream<Path> files = Files.walk(path(module + "/src/main/java"))) {
				files.filter(file -> file.toString().endsWith(".java")).forEach(file -> sources.append(read(file)));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return prometheusNamesOf(sources.toString());
	}

	static Set<String> prometheusNamesOf(String javaSources) {
		Map<String, String> constants = new LinkedHashMap<>();
		Matcher constant = Pattern.compile("static final String (\\w+) = \"(txorders\\.[^\"]+)\"").matcher(javaSources);
		while (constant.find()) {
			constants.put(constant.group(1), constant.group(2));
		}
		Set<String> names = new java.util.TreeSet<>();
		Matcher registration = Pattern.compile(
				"(counter|timer|Counter\\.builder|Timer\\.builder|Gauge\\.builder)\\(\\s*(?:\"(txorders\\.[^\"]+)\"|(\\w+))")
			.matcher(javaSources);
		while (registration.find()) {
			String name = (registration.group(2) != null) ? registration.group(2)
					: constants.get(registration.group(3));
			if (name == null) {
				continue;
			}
			String base = name.replace('.', '_');
			switch (registration.group(1)) {
				case "counter", "Counter.builder" -> names.add(base + "_total");
				case "timer", "Timer.builder" -> {
					for (String suffix : List.of("_count", "_sum", "_max", "_bucket")) {
						names.add(base + "_seconds" + suffix);
					}
				}
				default -> names.add(base);
			}
		}
		return names;
	}

	/** The constants of the kit's OutboxMode: what OUTBOX_MODE may be set to. */
	static Set<String> outboxModes() {
		Matcher constant = Pattern.compile("(?m)^\\s*([A-Z][A-Z0-9_]*)\\s*[,;]?\\s*$")
			.matcher(read("transactional-messaging/src/main/java/io/txorders/messaging/outbox/OutboxMode.java"));
		Set<String> modes = new java.util.TreeSet<>();
		while (constant.find()) {
			modes.add(constant.group(1));
		}
		if (modes.isEmpty()) {
			throw new IllegalStateException("OutboxMode has no constants any more");
		}
		return modes;
	}

	/**
	 * The environment deploy/local's {@code up} hands every app it starts: the literal
	 * {@code env.put} and {@code env.putIfAbsent} of its UpCommand.
	 */
	static Map<String, String> localStackEnvironment() {
		Matcher put = Pattern.compile("env\\.put(?:IfAbsent)?\\(\"([A-Z][A-Z0-9_]*)\",\\s*\"([^\"]*)\"\\)")
			.matcher(read("deploy/local/src/main/java/io/txorders/local/UpCommand.java"));
		Map<String, String> environment = new TreeMap<>();
		while (put.find()) {
			environment.put(put.group(1), put.group(2));
		}
		return environment;
	}

	/** {@code <prefix>/<module>:<version>}, as the parent pom configures Jib. */
	static String image(String module) {
		String pom = read("pom.xml");
		String prefix = between(pom, "<txorders.image.prefix>", "</txorders.image.prefix>");
		String afterParent = pom.substring(pom.indexOf("</parent>"));
		String version = between(afterParent, "<version>", "</version>");
		String toImage = between(pom, "<to>", "</to>");
		if (!toImage.contains("${txorders.image.prefix}/${project.artifactId}:${project.version}")) {
			throw new IllegalStateException("the parent pom's Jib <to> image changed shape: " + toImage);
		}
		return prefix + "/" + module + ":" + version;
	}

	/** A list default of deploy/local's launcher, e.g. "transaction-topics". */
	static List<String> localStackList(String option) {
		return List.of(localStackDefault(option).split(","));
	}

	static int localStackInt(String option) {
		return Integer.parseInt(localStackDefault(option));
	}

	/** The {@code defaultValue} of the launcher's picocli option {@code --<option>}. */
	private static String localStackDefault(String option) {
		Matcher matcher = Pattern
			.compile("names = \"--" + Pattern.quote(option) + "\"[^)]*?defaultValue = \"([^\"]*)\"", Pattern.DOTALL)
			.matcher(read("deploy/local/src/main/java/io/txorders/local/Options.java"));
		if (!matcher.find()) {
			throw new IllegalStateException("deploy/local has no default for --" + option);
		}
		return matcher.group(1);
	}

	private static String between(String text, String start, String end) {
		int from = text.indexOf(start);
		if (from < 0) {
			throw new IllegalStateException("no " + start);
		}
		from += start.length();
		return text.substring(from, text.indexOf(end, from)).trim();
	}

}
