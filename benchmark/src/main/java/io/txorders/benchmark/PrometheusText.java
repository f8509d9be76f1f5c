package io.txorders.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a counter from an app's {@code /actuator/prometheus}: how many local transactions
 * producer-service answered UNKNOWN, to know how many check-backs a run must see.
 */
final class PrometheusText {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+).*$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private PrometheusText() {
	}

	/** The page, or null when the app does not answer. */
	static String fetch(URI app) {
		try {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(app.resolve("/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? response.body() : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * The sum of the samples of {@code metric} whose labels include {@code labels}; 0 if
	 * there are none.
	 */
	static double sum(String page, String metric, Map<String, String> labels) {
		double sum = 0;
		for (String line : page.split("\n")) {
			Matcher sample = SAMPLE.matcher(line.trim());
			if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(metric)) {
				continue;
			}
			Map<String, String> has = new java.util.HashMap<>();
			Matcher label = LABEL.matcher((sample.group(3) != null) ? sample.group(3) : "");
			while (label.find()) {
				has.put(label.group(1), label.group(2));
			}
			if (has.entrySet().containsAll(labels.entrySet())) {
				sum += Double.parseDouble(sample.group(4));
			}
		}
		return sum;
	}

	/**
	 * Local transactions of placed orders producer-service answered UNKNOWN; -1 if
	 * unknown.
	 */
	static long unknownAnswers(URI producer) {
		String page = fetch(producer);
		if (page == null) {
			return -1;
		}
		return Math
			.round(sum(page, "txorders_local_transactions_total", Map.of("kind", "OrderCreated", "answer", "UNKNOWN")));
	}

}
