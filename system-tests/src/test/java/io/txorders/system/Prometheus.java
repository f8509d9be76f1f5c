package io.txorders.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads counters from an app's {@code /actuator/prometheus}. */
final class Prometheus {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+).*$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final HttpClient http = HttpClient.newHttpClient();

	private Prometheus() {
	}

	/**
	 * The sum of the samples of {@code metric} on a scraped {@code page} whose labels
	 * include {@code labels}; 0 if there are none.
	 */
	static double sum(String page, String metric, Map<String, String> labels) {
		double sum = 0;
		for (String line : page.split("\n")) {
			Matcher sample = SAMPLE.matcher(line.trim());
			if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(metric)) {
				continue;
			}
			Map<String, String> has = new HashMap<>();
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

	static String scrape(URI app) {
		try {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(app.resolve("/actuator/prometheus")).timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(app + "/actuator/prometheus answered " + response.statusCode());
			}
			return response.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not scrape " + app + ": " + ex, ex);
		}
	}

}
