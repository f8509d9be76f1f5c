package io.txorders.system.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's webhook endpoint, on 127.0.0.1 and a port of its own: it verifies each
 * POST's Standard Webhooks signature with its own code, written from the specification
 * (docs/webhooks.md; none of producer-service's), answers 204 and records what came, by
 * {@code webhook-id}. Armed, it runs a hook on the next POST before it answers (the fault
 * harness kills producer-service there: the POST is made, its answer never recorded).
 */
final class WebhookReceiver implements AutoCloseable {

	/** A signature's timestamp further than this from the receiver's clock is refused. */
	static final Duration TOLERANCE = Duration.ofMinutes(5);

	private final HttpServer server;

	private final ExecutorService threads = Executors.newFixedThreadPool(4);

	private final Map<String, List<Post>> postsById = new ConcurrentHashMap<>();

	private final List<Post> badSignatures = new CopyOnWriteArrayList<>();

	private final AtomicReference<Consumer<String>> armed = new AtomicReference<>();

	private volatile byte[] key;

	WebhookReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/hook", this::receive);
		this.server.setExecutor(this.threads);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hook";
	}

	/** The endpoint's secret ({@code whsec_<base64>}), as registration answered it. */
	void secret(String secret) {
		this.key = key(secret);
	}

	/**
	 * The next POST runs {@code hook} with its {@code webhook-id} before it is answered;
	 * the ones after are answered as usual.
	 */
	void armBeforeAnswer(Consumer<String> hook) {
		this.armed.set(hook);
	}

	/** Every POST with a valid signature, by {@code webhook-id}, in arrival order. */
	Map<String, List<Post>> posts() {
		return Map.copyOf(this.postsById);
	}

	/** POSTs whose signature or timestamp did not verify. */
	List<Post> badSignatures() {
		return List.copyOf(this.badSignatures);
	}

	int postCount() {
		return this.postsById.values().stream().mapToInt(List::size).sum() + this.badSignatures.size();
	}

	private void receive(HttpExchange exchange) {
		try {
			if (!"POST".equals(exchange.getRequestMethod())) {
				exchange.sendResponseHeaders(405, -1);
				return;
			}
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			String id = exchange.getRequestHeaders().getFirst("webhook-id");
			String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
			String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
			Post post = new Post(id, timestamp, new String(body, StandardCharsets.UTF_8), Instant.now());
			byte[] secretKey = this.key;
			if (id == null || secretKey == null || !fresh(timestamp, Instant.now())
					|| !signed(secretKey, id, timestamp, body, signature)) {
				this.badSignatures.add(post);
				exchange.sendResponseHeaders(401, -1);
				return;
			}
			this.postsById.computeIfAbsent(id, (k) -> new CopyOnWriteArrayList<>()).add(post);
			Consumer<String> hook = this.armed.getAndSet(null);
			if (hook != null) {
				hook.accept(id);
			}
			exchange.sendResponseHeaders(204, -1);
		}
		catch (IOException ex) {
			// The sender is gone (the harness killed it): nobody reads the answer.
		}
		finally {
			exchange.close();
		}
	}

	/** A {@code webhook-timestamp} (Unix seconds) within {@link #TOLERANCE} of now. */
	static boolean fresh(String timestamp, Instant now) {
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
	static boolean signed(byte[] key, String id, String timestamp, byte[] body, String signatureHeader) {
		if (signatureHeader == null) {
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
	static byte[] key(String secret) {
		if (!secret.startsWith("whsec_")) {
			throw new IllegalArgumentException("not a Standard Webhooks secret (whsec_...)");
		}
		return Base64.getDecoder().decode(secret.substring("whsec_".length()));
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.threads.shutdownNow();
	}

	/** One POST as it came: its id, timestamp and body. */
	record Post(String webhookId, String timestamp, String body, Instant receivedAt) {
	}

}
