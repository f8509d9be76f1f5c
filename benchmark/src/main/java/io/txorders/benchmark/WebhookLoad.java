package io.txorders.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.txorders.testsupport.WebhookReceiver;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Merchants' receivers for the benchmark ({@code --webhook-receivers=N}): N HTTP servers
 * on loopback in this JVM, each registered through producer-service's admin API (its
 * credentials from ADMIN_USERNAME and ADMIN_PASSWORD, as the local stack was given), so
 * every confirmed order is also POSTed N times. At the end: POSTs received, how long
 * after the transition each arrived, and how long the last took to drain; the endpoints
 * are deleted.
 */
final class WebhookLoad implements AutoCloseable {

	private static final Pattern OCCURRED_AT = Pattern.compile("\"occurredAt\":\"([^\"]+)\"");

	private static final Duration DRAIN_LIMIT = Duration.ofMinutes(5);

	private final URI target;

	private final String authorization;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<WebhookReceiver> receivers = new ArrayList<>();

	private final List<Long> endpoints = new ArrayList<>();

	private WebhookLoad(URI target, String authorization) {
		this.target = target;
		this.authorization = authorization;
	}

	/**
	 * Starts and registers {@code count} receivers.
	 * @throws IllegalStateException when the admin API cannot be used
	 */
	static WebhookLoad register(URI target, int count) throws Exception {
		String user = System.getenv("ADMIN_USERNAME");
		String password = System.getenv("ADMIN_PASSWORD");
		if (user == null || user.isBlank() || password == null || password.isBlank()) {
			throw new IllegalStateException("--webhook-receivers registers its receivers through the admin API: set "
					+ "ADMIN_USERNAME and ADMIN_PASSWORD as the stack was given them");
		}
		WebhookLoad load = new WebhookLoad(target, "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
		try {
			for (int i = 0; i < count; i++) {
				WebhookReceiver receiver = WebhookReceiver.answering();
				load.receivers.add(receiver);
				HttpResponse<String> registered = load
					.send(HttpRequest.newBuilder(target.resolve("/admin/api/webhooks"))
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + receiver.url()
								+ "\",\"events\":[\"order.confirmed\"],\"description\":\"benchmark receiver " + i
								+ "\"}")));
				if (registered.statusCode() != 201) {
					throw new IllegalStateException("registering a webhook receiver: " + registered.statusCode() + " "
							+ registered.body() + " (the stack must allow loopback: WEBHOOK_ALLOWED_NETWORKS)");
				}
				load.endpoints.add(load.json.readTree(registered.body()).get("id").asLong());
			}
		}
		catch (Exception ex) {
			load.close();
			throw ex;
		}
		return load;
	}

	/**
	 * Waits until none of the receivers' notifications is pending, then reports.
	 * @return the figures, also printed
	 */
	Map<String, Object> drainAndReport() throws Exception {
		long started = System.nanoTime();
		long pending = pending();
		while (pending > 0 && System.nanoTime() - started < DRAIN_LIMIT.toNanos()) {
			Thread.sleep(200);
			pending = pending();
		}
		double drainSeconds = (System.nanoTime() - started) / 1e9;
		Histogram afterTransition = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
		long posts = 0;
		long distinct = 0;
		for (WebhookReceiver receiver : this.receivers) {
			List<WebhookReceiver.Received> received = receiver.received();
			posts += received.size();
			distinct += received.stream().map(WebhookReceiver.Received::webhookId).distinct().count();
			for (WebhookReceiver.Received post : received) {
				Matcher occurred = OCCURRED_AT.matcher(post.body());
				if (occurred.find()) {
					long millis = Duration.between(Instant.parse(occurred.group(1)), post.at()).toMillis();
					afterTransition
						.recordValue(Math.max(0, Math.min(millis, afterTransition.getHighestTrackableValue())));
				}
			}
		}
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("receivers", this.receivers.size());
		figures.put("posts", posts);
		figures.put("distinctWebhookIds", distinct);
		figures.put("pendingAtEnd", pending);
		figures.put("drainSeconds", drainSeconds);
		figures.put("afterTransitionP50Ms", afterTransition.getValueAtPercentile(50));
		figures.put("afterTransitionP99Ms", afterTransition.getValueAtPercentile(99));
		figures.put("afterTransitionMaxMs", afterTransition.getMaxValue());
		System.out.printf(
				"webhooks: %d receivers got %d POSTs (%d webhook-ids), %d still pending; POST after the "
						+ "transition p50 %d ms, p99 %d ms, max %d ms; the last arrived %.1f s after the runs%n",
				this.receivers.size(), posts, distinct, pending, afterTransition.getValueAtPercentile(50),
				afterTransition.getValueAtPercentile(99), afterTransition.getMaxValue(), drainSeconds);
		return figures;
	}

	/**
	 * Pending notifications of the receivers' endpoints, as the admin API counts them.
	 */
	private long pending() throws Exception {
		JsonNode listed = this.json
			.readTree(send(HttpRequest.newBuilder(this.target.resolve("/admin/api/webhooks")).GET()).body());
		long pending = 0;
		for (JsonNode endpoint : listed.get("endpoints")) {
			if (this.endpoints.contains(endpoint.get("id").asLong())) {
				pending += endpoint.get("notifications").get("PENDING").asLong();
			}
		}
		return pending;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(
				request.header("Authorization", this.authorization).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Override
	public void close() {
		for (long id : this.endpoints) {
			try {
				send(HttpRequest.newBuilder(this.target.resolve("/admin/api/webhooks/" + id)).DELETE());
			}
			catch (Exception ex) {
				System.out.println("webhooks: could not delete endpoint " + id + ": " + ex);
			}
		}
		this.receivers.forEach(WebhookReceiver::close);
	}

}
