package io.txorders.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks, as functions from the files' contents to a list of problems, so the tests
 * can show both that today's files pass and that a drift on either side is reported.
 */
final class DriftChecks {

	/** The variables naming topics and groups, each with the value it must have. */
	static final Map<String, String> NAMES = Map.of("ORDER_TOPIC", "order-events", "REPLY_TOPIC", "reply-events",
			"ORDER_REPLY_GROUP", "order-replies", "INVENTORY_GROUP", "inventory", "PAYMENT_GROUP", "payment",
			"POINTS_GROUP", "points");

	private static final Pattern PROMETHEUS_NAME = Pattern.compile("\\btxorders_[a-z0-9_]+");

	private static final Pattern COMPOSE_DEFAULT = Pattern.compile("\\$\\{[A-Z][A-Z0-9_]*:-([^}]*)}");

	private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

	private static final Pattern CIDR = Pattern
		.compile("([0-9]{1,3}(\\.[0-9]{1,3}){3}/([0-9]|[12][0-9]|3[0-2]))|([0-9a-fA-F:]*:[0-9a-fA-F:.]*/[0-9]{1,3})");

	private DriftChecks() {
	}

	/**
	 * An app's environment as a deployment sets it, against what the app reads.
	 * @param where e.g. "compose service producer-service-1"
	 * @param set the variables the deployment hands to the app
	 * @param reads the app's variables and defaults (application.yml)
	 * @param setByAll variables handed to every app (a shared ConfigMap): allowed if any
	 * app reads them
	 */
	static List<String> environment(String where, Map<String, String> set, Map<String, String> reads,
			Map<String, String> readByAny) {
		List<String> problems = new ArrayList<>();
		set.forEach((name, value) -> {
			if (!reads.containsKey(name) && !readByAny.containsKey(name) && !Repo.PLATFORM_VARIABLES.contains(name)) {
				problems.add(where + " sets " + name + ", which no application.yml reads");
			}
			if (NAMES.containsKey(name) && !NAMES.get(name).equals(value)) {
				problems.add(where + " sets " + name + "=" + value + " but the topics and groups created are named "
						+ NAMES.get(name));
			}
			if (reads.containsKey(name) && NAMES.containsKey(name) && !reads.get(name).equals(value)) {
				problems.add(where + " sets " + name + "=" + value + " but the app's default is " + reads.get(name));
			}
		});
		for (String name : Repo.required(reads)) {
			if (!set.containsKey(name)) {
				problems.add(where + " does not set " + name + " (its default " + reads.get(name)
						+ " only works on a developer's machine)");
			}
		}
		if (set.containsKey("JAVA_TOOL_OPTIONS") && !set.get("JAVA_TOOL_OPTIONS").contains("-Xmx")) {
			problems.add(where + " sets JAVA_TOOL_OPTIONS without an explicit -Xmx");
		}
		problems.addAll(outboxSettings(where, set));
		problems.addAll(webhookSettings(where, set, reads));
		return problems;
	}

	/**
	 * The local message table's settings a deployment gives (OUTBOX_*): a mode the kit
	 * knows, a thread count, durations Spring reads ({@code 10s}, {@code 1m}); a compose
	 * {@code ${NAME:-default}} is checked by its default.
	 */
	static List<String> outboxSettings(String where, Map<String, String> set) {
		List<String> problems = new ArrayList<>();
		set.forEach((name, given) -> {
			if (!name.startsWith("OUTBOX_")) {
				return;
			}
			Matcher fromEnvFile = COMPOSE_DEFAULT.matcher(given);
			String value = fromEnvFile.matches() ? fromEnvFile.group(1) : given;
			if (name.equals("OUTBOX_MODE")) {
				if (!Repo.outboxModes().contains(value)) {
					problems.add(where + " sets OUTBOX_MODE=" + value + ", not one of " + Repo.outboxModes());
				}
			}
			else if (name.equals("OUTBOX_RELAY_THREADS")) {
				if (!value.matches("[1-9][0-9]*")) {
					problems.add(where + " sets OUTBOX_RELAY_THREADS=" + value + ", not a number of threads");
				}
			}
			else if (!DURATION.matcher(value).matches()) {
				problems.add(where + " sets " + name + "=" + value + ", not a duration such as 10s or 1m");
			}
		});
		return problems;
	}

	/**
	 * The webhook dispatcher's settings a deployment gives (WEBHOOK_*, docs/webhooks.md):
	 * a retry schedule of durations, counts of POSTs, networks in CIDR, durations, and a
	 * lease longer than the timeout (from the app's defaults where one of them is not
	 * set); a compose {@code ${NAME:-default}} is checked by its default.
	 * @param defaults the app's variables and defaults, for the lease against the timeout
	 */
	static List<String> webhookSettings(String where, Map<String, String> set, Map<String, String> defaults) {
		List<String> problems = new ArrayList<>();
		Map<String, String> values = new TreeMap<>();
		set.forEach((name, given) -> {
			if (!name.startsWith("WEBHOOK_")) {
				return;
			}
			Matcher fromEnvFile = COMPOSE_DEFAULT.matcher(given);
			String value = fromEnvFile.matches() ? fromEnvFile.group(1) : given;
			values.put(name, value);
			switch (name) {
				case "WEBHOOK_RETRY_SCHEDULE" -> {
					if (value.isEmpty() || !Arrays.stream(value.split(",", -1))
						.allMatch((step) -> DURATION.matcher(step.trim()).matches())) {
						problems.add(where + " sets WEBHOOK_RETRY_SCHEDULE=" + value
								+ ", not a list of durations such as 2s,5s,1m");
					}
				}
				case "WEBHOOK_THREADS", "WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT" -> {
					if (!value.matches("[1-9][0-9]*")) {
						problems.add(where + " sets " + name + "=" + value + ", not a number of POSTs");
					}
				}
				case "WEBHOOK_ALLOWED_NETWORKS" -> {
					if (!value.isBlank() && !Arrays.stream(value.split(","))
						.allMatch((network) -> CIDR.matcher(network.trim()).matches())) {
						problems.add(where + " sets WEBHOOK_ALLOWED_NETWORKS=" + value
								+ ", not networks in CIDR such as 127.0.0.0/8,::1/128");
					}
				}
				default -> {
					if (!DURATION.matcher(value).matches()) {
						problems.add(where + " sets " + name + "=" + value + ", not a duration such as 10s or 1m");
					}
				}
			}
		});
		if (values.containsKey("WEBHOOK_LEASE") || values.containsKey("WEBHOOK_TIMEOUT")) {
			String lease = values.getOrDefault("WEBHOOK_LEASE", defaults.get("WEBHOOK_LEASE"));
			String timeout = values.getOrDefault("WEBHOOK_TIMEOUT", defaults.get("WEBHOOK_TIMEOUT"));
			if (lease != null && timeout != null && DURATION.matcher(lease).matches()
					&& DURATION.matcher(timeout).matches() && duration(lease).compareTo(duration(timeout)) <= 0) {
				problems.add(where + " gives WEBHOOK_LEASE " + lease + ", not longer than WEBHOOK_TIMEOUT " + timeout
						+ ": a POST still waiting for its answer would be taken by another dispatcher");
			}
		}
		return problems;
	}

	/** A retry schedule as the apps read it: durations, comma-separated. */
	static List<Duration> schedule(String value) {
		return Arrays.stream(value.split(",")).map((step) -> duration(step.trim())).toList();
	}

	/** A duration as the apps' settings write them: 500ms, 10s, 1m. */
	static Duration duration(String value) {
		Matcher matcher = DURATION.matcher(value);
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a duration: " + value);
		}
		long amount = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2)) {
			case "ms" -> Duration.ofMillis(amount);
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			case "h" -> Duration.ofHours(amount);
			default -> Duration.ofDays(amount);
		};
	}

	/**
	 * The topic and group names and settings of a creation script or a launcher, against
	 * deploy/local and the apps.
	 */
	static List<String> topicsAndGroups(String where, List<String> topics, List<String> groups, int maxRetries,
			List<String> localTopics, List<String> localGroups, int localMaxRetries) {
		List<String> problems = new ArrayList<>();
		if (!new TreeSet<>(topics).equals(new TreeSet<>(localTopics))) {
			problems.add(where + " creates topics " + topics + ", deploy/local " + localTopics);
		}
		if (!new TreeSet<>(groups).equals(new TreeSet<>(localGroups))) {
			problems.add(where + " creates groups " + groups + ", deploy/local " + localGroups);
		}
		for (String name : List.of("ORDER_TOPIC", "REPLY_TOPIC")) {
			if (!topics.contains(NAMES.get(name))) {
				problems.add(where + " does not create topic " + NAMES.get(name) + " (" + name + ")");
			}
		}
		for (String name : List.of("ORDER_REPLY_GROUP", "INVENTORY_GROUP", "PAYMENT_GROUP", "POINTS_GROUP")) {
			if (!groups.contains(NAMES.get(name))) {
				problems.add(where + " does not create group " + NAMES.get(name) + " (" + name + ")");
			}
		}
		if (maxRetries != localMaxRetries) {
			problems.add(where + " gives the groups retryMaxTimes " + maxRetries + ", deploy/local " + localMaxRetries);
		}
		return problems;
	}

	/** Every txorders_* name in a dashboard or rules file is one the code registers. */
	static List<String> metricNames(String where, String content, Set<String> registered) {
		List<String> problems = new ArrayList<>();
		Matcher matcher = PROMETHEUS_NAME.matcher(content);
		Set<String> used = new TreeSet<>();
		while (matcher.find()) {
			used.add(matcher.group());
		}
		for (String name : used) {
			if (!registered.contains(name)) {
				problems.add(where + " uses " + name + ", which no meter in the apps' code is scraped as");
			}
		}
		if (used.isEmpty()) {
			problems.add(where + " uses no txorders metric at all");
		}
		return problems;
	}

	/** Metric names the dashboard must show (the brief's operator list). */
	static List<String> covers(String where, String content, List<String> expected) {
		return expected.stream()
			.filter(name -> !content.contains(name))
			.map(name -> where + " does not use " + name)
			.toList();
	}

	/**
	 * transactionOpBatchInterval at most half of transactionTimeOut (deploy/local's
	 * rule), else the broker re-checks finished transactions and delivers them again.
	 */
	static List<String> brokerTimings(String where, Properties broker) {
		List<String> problems = new ArrayList<>();
		Function<String, Long> value = key -> {
			String text = broker.getProperty(key);
			return (text != null) ? Long.parseLong(text.trim()) : null;
		};
		Long timeout = value.apply("transactionTimeOut");
		Long opBatch = value.apply("transactionOpBatchInterval");
		Long checkInterval = value.apply("transactionCheckInterval");
		Long checkMax = value.apply("transactionCheckMax");
		if (timeout == null || opBatch == null || checkInterval == null || checkMax == null) {
			problems.add(where + " must set transactionTimeOut, transactionOpBatchInterval, transactionCheckInterval"
					+ " and transactionCheckMax explicitly");
			return problems;
		}
		if (opBatch * 2 > timeout) {
			problems.add(where + ": transactionOpBatchInterval " + opBatch + " must be at most half of"
					+ " transactionTimeOut " + timeout + ", or committed messages are delivered more than once");
		}
		if (!"false".equals(broker.getProperty("autoCreateTopicEnable", "").trim())) {
			problems.add(where + ": autoCreateTopicEnable must be false (topics need message type TRANSACTION)");
		}
		return problems;
	}

}
