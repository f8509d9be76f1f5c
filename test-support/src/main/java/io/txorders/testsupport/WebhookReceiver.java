package io.txorders.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's webhook endpoint for the tests and the benchmark: a real HTTP server on
 * 127.0.0.1 that records every POST and answers as scripted (a status per request in
 * turn, then 200). Signatures are checked with this class's own reading of the Standard
 * Webhooks specification (docs/webhooks.md), none of producer-service's code. Given the
 * endpoint's secret ({@link #verifyingWith}), it answers 401 to a POST whose signature or
 * timestamp does not verify and keeps it apart ({@link #badSignatures}). It can hold the
 * first request unanswered ({@link #holdingTheFirst}), or run a hook on the next POST
 * before answering it ({@link #armBeforeAnswer}: the fault harness kills producer-service
 * there).
 */
public final class WebhookReceiver implements AutoCloseable {

	/**
	 * A {@code webhook-timestamp} further than this from the receiver's clock is refused.
	 */
	public static final Duration TOLERANCE = Duration.ofMinutes(5);

	/** One request as it arrived (a POST, unless something followed a redirect). */
	public record Received(String webhookId, String timestamp, String signature, String body, Instant at, String method,
			String path) {

		/** Whether any {@code v1,} signature in the header is this secret's. */
		public boolean signedWith(String secret) {
			return signed(key(secret), this.webhookId, this.timestamp, this.body.getBytes(StandardCharsets.UTF_8),
					this.signature);
		}

	}

	private final HttpServer server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final Queue<Integer> script = new ConcurrentLinkedQueue<>();

	private final List<Received> received = new ArrayList<>();

	private final List<Received> badSignatures = new ArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicReference<Consumer<String>> armed = new AtomicReference<>();

	private volatile boolean holdFirst;

	private volatile byte[] key;

	private volatile String answerBody;

	private WebhookReceiver(int port) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
		this.server.setExecutor(this.threads);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/** A receiver on a free port that answers these statuses in turn, then 200. */
	public static WebhookReceiver answering(Integer... statuses) throws IOException {
		return on(0, statuses);
	}

	/** A receiver on {@code port}. */
	public static WebhookReceiver on(int port, Integer... statuses) throws IOException {
		WebhookReceiver receiver = new WebhookReceiver(port);
		receiver.script.addAll(List.of(statuses));
		return receiver;
	}

	/**
	 * Checks every POST from now on against the endpoint's secret ({@code whsec_...}, as
	 * registration answered it).
	 */
	public WebhookReceiver verifyingWith(String secret) {
		this.key = key(secret);
		return this;
	}

	/**
	 * Answers with this body instead of {@code {"answered":STATUS}}; a 3xx answer also
	 * names {@code /elsewhere} on this receiver as its {@code Location}.
	 */
	public WebhookReceiver withAnswerBody(String body) {
		this.answerBody = body;
		return this;
	}

	/** Holds the first request unanswered until {@link #release()} (at most 20 s). */
	public WebhookReceiver holdingTheFirst() {
		this.holdFirst = true;
		return this;
	}

	public void release() {
		this.release.countDown();
	}

	/**
	 * The next POST runs {@code hook} with its {@code webhook-id} before it is answered;
	 * the ones after are answered as usual.
	 */
	public void armBeforeAnswer(Consumer<String> hook) {
		this.armed.set(hook);
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hooks";
	}

	/** Every POST so far whose signature was not refused, in arrival order. */
	public synchronized List<Received> received() {
		return List.copyOf(this.received);
	}

	/** The same, by {@code webhook-id}. */
	public synchronized Map<String, List<Received>> byWebhookId() {
		Map<String, List<Received>> byId = new LinkedHashMap<>();
		this.received.forEach((post) -> byId.computeIfAbsent(post.webhookId(), (id) -> new ArrayList<>()).add(post));
		return byId;
	}

	/** POSTs whose signature or timestamp did not verify (only while verifying). */
	public synchronized List<Received> badSignatures() {
		return List.copyOf(this.badSignatures);
	}

	/** The POSTs whose body names this order. */
	public List<Received> about(String orderId) {
		return received().stream().filter((post) -> post.body().contains("\"orderId\":\"" + orderId + "\"")).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			byte[] body = in.readAllBytes();
			Received post = new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
					exchange.getRequestHeaders().getFirst("webhook-timestamp"),
					exchange.getRequestHeaders().getFirst("webhook-signature"),
					new String(body, StandardCharsets.UTF_8), Instant.now(), exchange.getRequestMethod(),
					exchange.getRequestURI().getPath());
			byte[] secretKey = this.key;
			if (secretKey != null && (!fresh(post.timestamp(), post.at())
					|| !signed(secretKey, post.webhookId(), post.timestamp(), body, post.signature()))) {
				synchronized (this) {
					this.badSignatures.add(post);
				}
				exchange.sendResponseHeaders(401, -1);
				return;
			}
			boolean first;
			synchronized (this) {
				first = this.received.isEmpty();
				this.received.add(post);
			}
			if (first && this.holdFirst) {
				this.release.await(20, TimeUnit.SECONDS);
			}
			Consumer<String> hook = this.armed.getAndSet(null);
			if (hook != null) {
				hook.accept(post.webhookId());
			}
			Integer scripted = this.script.poll();
			int status = (scripted != null) ? scripted : 200;
			String text = (this.answerBody != null) ? this.answerBody : "{\"answered\":" + status + "}";
			byte[] answer = text.getBytes(StandardCharsets.UTF_8);
			if (status >= 300 && status < 400) {
				exchange.getResponseHeaders().set("Location", url() + "/elsewhere");
			}
			exchange.sendResponseHeaders(status, answer.length);
			exchange.getResponseBody().write(answer);
		}
		catch (IOException ex) {
			// The sender is gone (a test killed it): nobody reads the answer.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A {@code webhook-timestamp} (Unix seconds) within {@link #TOLERANCE} of now. */
	public static boolean fresh(String timestamp, Instant now) {
		try {
			return timestamp != null
					&& Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) <= TOLERANCE.toSeconds();
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/**
	 * Standard Webhooks: one of the header's space-separated {@code v1,<signature>} is
	 * {@code base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}, compared in
	 * constant time.
	 */
	public static boolean signed(byte[] key, String id, String timestamp, byte[] body, String signatureHeader) {
		if (id == null || timestamp == null || signatureHeader == null) {
			return false;
		}
		byte[] expected;
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		boolean valid = false;
		for (String candidate : signatureHeader.split(" ")) {
			valid |= MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), expected);
		}
		return valid;
	}

	/** The key of a secret {@code whsec_<base64>}. */
	public static byte[] key(String secret) {
		if (secret == null || !secret.startsWith("whsec_")) {
			throw new IllegalArgumentException("not a Standard Webhooks secret (whsec_...)");
		}
		return Base64.getDecoder().decode(secret.substring("whsec_".length()));
	}

	@Override
	public void close() {
		this.release.countDown();
		this.server.stop(0);
		this.threads.shutdownNow();
	}

}
