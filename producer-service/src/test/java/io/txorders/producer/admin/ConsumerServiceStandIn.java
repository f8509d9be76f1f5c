package io.txorders.producer.admin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.http.MediaType;

/**
 * consumer-service's admin API as producer-service's proxies see it, on 127.0.0.1: it
 * records every request and answers with the status, body and content type set last.
 */
final class ConsumerServiceStandIn implements AutoCloseable {

	/** One request as it arrived. */
	record Seen(String method, String path, String rawPath, String query, String idempotencyKey, String authorization,
			String body) {
	}

	private final List<Seen> seen = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	private volatile int status = 200;

	private volatile String answer = "{}";

	private volatile String contentType = MediaType.APPLICATION_JSON_VALUE;

	ConsumerServiceStandIn() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::answer);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.start();
	}

	URI base() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/**
	 * Producer-service's settings pointing at this stand-in, with the test's credentials.
	 */
	AdminSettings settings() {
		return new AdminSettings("admin", "test-only-password", base(), List.of("inventory"), null);
	}

	void respond(int status, String body) {
		this.status = status;
		this.answer = body;
	}

	void respondWithProblem(int status, String body) {
		this.contentType = MediaType.APPLICATION_PROBLEM_JSON_VALUE;
		respond(status, body);
	}

	Seen seen(int index) {
		return this.seen.get(index);
	}

	private void answer(HttpExchange exchange) throws IOException {
		this.seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
				exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getQuery(),
				exchange.getRequestHeaders().getFirst("Idempotency-Key"),
				exchange.getRequestHeaders().getFirst("Authorization"),
				new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
		byte[] body = this.answer.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", this.contentType);
		exchange.sendResponseHeaders(this.status, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
