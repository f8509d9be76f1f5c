package io.txorders.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's endpoint, a real HTTP server on loopback: it records every POST and
 * answers as scripted (a status per request in turn, then 200), optionally holding the
 * first request until released. Signatures are checked with this class's own reading of
 * the Standard Webhooks specification, not with the service's code.
 */
public final class WebhookReceiver implements AutoCloseable {

	/** One POST as it arrived. */
	public record Received(String webhookId, String timestamp, String signature, String body, Instant at) {

		/** Whether any {@code v1,} signature in the header is this secret's. */
		public boolean signedWith(String secret) {
			try {
				byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(key, "HmacSHA256"));
				byte[] expected = ("v1," + Base64.getEncoder()
					.encodeToString(mac.doFinal((this.webhookId + "." + this.timestamp + "." + this.body)
						.getBytes(StandardCharsets.UTF_8))))
					.getBytes(StandardCharsets.UTF_8);
				return Arrays.stream(this.signature.split(" "))
					.anyMatch(
							(candidate) -> MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), expected));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	private final HttpServer server;

	private final Queue<Integer> script = new ConcurrentLinkedQueue<>();

	private final List<Received> received = new ArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private volatile boolean holdFirst;

	private WebhookReceiver(int port) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/hooks", this::handle);
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

	/** Holds the first request unanswered until {@link #release()} (at most 20 s). */
	public WebhookReceiver holdingTheFirst() {
		this.holdFirst = true;
		return this;
	}

	public void release() {
		this.release.countDown();
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hooks";
	}

	/** Every POST so far. */
	public synchronized List<Received> received() {
		return List.copyOf(this.received);
	}

	/** The POSTs whose body names this order. */
	public List<Received> about(String orderId) {
		return received().stream().filter((post) -> post.body().contains("\"orderId\":\"" + orderId + "\"")).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			boolean first;
			synchronized (this) {
				first = this.received.isEmpty();
				this.received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
						exchange.getRequestHeaders().getFirst("webhook-timestamp"),
						exchange.getRequestHeaders().getFirst("webhook-signature"), body, Instant.now()));
			}
			if (first && this.holdFirst) {
				this.release.await(20, TimeUnit.SECONDS);
			}
			Integer scripted = this.script.poll();
			int status = (scripted != null) ? scripted : 200;
			byte[] answer = ("{\"answered\":" + status + "}").getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(status, answer.length);
			exchange.getResponseBody().write(answer);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.release.countDown();
		this.server.stop(0);
	}

}
