package io.txorders.producer.order;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.producer.order.store.OrderStatus;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.rocketmq.common.message.MessageExt;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated malformed and adversarial requests to every endpoint. Each gets
 * a 4xx RFC 9457 problem (naming the field when one field is wrong); afterwards no table
 * of the orders database changed, no local transaction started, no message was published,
 * and the service is still healthy.
 * <p>
 * Every generator is invalid by construction: it starts from a valid request and breaks
 * exactly one thing that the API must refuse (a generated valid order would be written).
 * jqwik has no Spring extension, so the service is the Spring test context the Jupiter
 * tests share, looked up through Spring's {@link TestContextManager}.
 */
@ProducerServiceTest
class HostileInputIT {

	/** What {@link PlaceOrderRequest} accepts as a userId. */
	private static final Pattern VALID_USER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

	private static final List<String> SKUS = List.of("BOOK-001", "BOOK-002", "MUG-001", "TSHIRT-M", "STICKER-1");

	private static final Set<String> FIELDS = Set.of("userId", "items", "sku", "quantity", "unitPrice");

	private static Api api;

	private static JdbcTemplate jdbc;

	private static ScriptedProbe probe;

	private static int port;

	private static Refusals.Footprint beforeProperty;

	private static long startedAtMillis;

	@BeforeContainer
	static void useTheServiceTheOtherTestsUse() {
		ApplicationContext context = new TestContextManager(HostileInputIT.class).getTestContext()
			.getApplicationContext();
		api = context.getBean(Api.class);
		jdbc = context.getBean(JdbcTemplate.class);
		probe = context.getBean(ScriptedProbe.class);
		port = api.base().getPort();
		startedAtMillis = System.currentTimeMillis();
	}

	@BeforeProperty
	void rememberWhatIsWritten() {
		beforeProperty = Refusals.Footprint.of(jdbc, probe);
	}

	/** Each request's own check says what it wrote (see assertRefused). */
	@AfterProperty
	void theServiceIsStillHealthy() {
		Response health = api.get("/actuator/health");
		assertThat(health.status()).as(health.toString()).isEqualTo(200);
		assertThat(health.body().path("status").asString()).isEqualTo("UP");
	}

	@AfterContainer
	static void noOrderEventWasPublished() {
		try (TopicProbe topic = new TopicProbe(LocalInfra.shared().nameServer(), "order-events")) {
			List<MessageExt> published = topic.readAll(Duration.ofSeconds(3))
				.stream()
				.filter(message -> message.getBornTimestamp() >= startedAtMillis)
				.toList();
			assertThat(published).as("messages sent while only hostile requests came in").isEmpty();
		}
	}

	// POST /orders: a valid order with one field broken

	@Property(tries = 1000, shrinking = ShrinkingMode.OFF)
	void anOrderWithOneBadFieldIsRefusedNamingTheField(@ForAll("ordersWithOneBadField") BadOrder order) {
		Response response = api.placeOrder(Api.newKey(), order.body());

		JsonNode problem = assertRefused(response, 400);
		if (order.field() != null) {
			// A value the parser refuses, such as a number too long, is named by the
			// element that encloses it.
			assertThat(Refusals.errorFields(problem)).as(order.name() + " -> " + response)
				.anyMatch(field -> field.equals(order.field()) || (!field.isEmpty()
						&& (order.field().startsWith(field + ".") || order.field().startsWith(field + "["))));
		}
		if (order.mention() != null) {
			assertThat(problem.path("detail").asString()).as(order.name() + " -> " + response)
				.contains(order.mention());
		}
	}

	@Provide
	Arbitrary<BadOrder> ordersWithOneBadField() {
		return Arbitraries.integers()
			.between(1, 3)
			.flatMap(
					lines -> Arbitraries.integers()
						.between(0, lines - 1)
						.flatMap(
								at -> Arbitraries
									.frequencyOf(
											weighted(4,
													badUserIds().map(v -> new BadOrder("userId " + v,
															order(v, items(lines)), "userId"))),
											weighted(
													2,
													badItems().map(v -> new BadOrder("items " + v.name(),
															order(USER, v.body()), v.field()))),
											weighted(1,
													Arbitraries
														.just(new BadOrder("no items", order(USER, null), "items"))),
											weighted(3, badLineField(lines, at, "sku", badSkus())),
											weighted(4, badLineField(lines, at, "quantity", badQuantities())),
											weighted(4, badLineField(lines, at, "unitPrice", badPrices())),
											weighted(1, missingLineField(lines, at)),
											weighted(2, unknownField(lines, at)), weighted(2, duplicateKey(lines, at)),
											weighted(1, syntaxInAField(lines, at)))));
	}

	// POST /orders: bodies that are not a JSON order at all

	@Property(tries = 300, shrinking = ShrinkingMode.OFF)
	void aBodyThatIsNotAJsonOrderIsRefused(@ForAll("garbageBodies") Garbage body) {
		Response response = api.send(HttpRequest.newBuilder(api.base().resolve("/orders"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", Api.newKey())
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));

		assertRefused(response, 400);
	}

	@Provide
	Arbitrary<Garbage> garbageBodies() {
		String valid = validOrder(2);
		return Arbitraries
			.oneOf(Arbitraries.bytes()
				.array(byte[].class)
				.ofMaxSize(2000)
				.filter(bytes -> !new String(bytes, StandardCharsets.ISO_8859_1).contains("items"))
				.map(bytes -> new Garbage("random bytes", bytes)),
					invalidUtf8().map(bad -> new Garbage("invalid UTF-8 in userId",
							concat(utf8("{\"userId\":\"u-"), bad, utf8(valid.substring(valid.indexOf("\",")))))),
					invalidUtf8().map(bad -> new Garbage("invalid UTF-8 in a key",
							concat(utf8("{\"use"), bad, utf8("rId\":" + USER + ",\"items\":" + items(1) + "}")))),
					Arbitraries.integers()
						.between(0, valid.length() - 1)
						.map(cut -> new Garbage("truncated at " + cut, utf8(valid.substring(0, cut)))),
					Arbitraries.of("x", "}", "{}", "[]", ",", "\"a\"", "1", "null",
							valid)
						.map(tail -> new Garbage("trailing " + tail, utf8(valid + tail))),
					Arbitraries.integers()
						.between(17, 3000)
						.flatMap(
								depth -> Arbitraries.of("[", "{\"a\":")
									.map(open -> new Garbage("nested " + depth + " deep",
											utf8(nested(open, depth, "1"))))),
					Arbitraries.integers()
						.between(65_537, 120_000)
						.map(size -> new Garbage(
								"a valid order padded to " + size
										+ " bytes",
								utf8("{" + " ".repeat(size) + valid.substring(1)))),
					Arbitraries.integers()
						.between(1_500, 3_000)
						.map(lines -> new Garbage(lines + " lines", utf8(order(USER,
								"[" + String.join(",", Collections.nCopies(lines, line("\"BOOK-001\"", "1", "10.00")))
										+ "]")))),
					Arbitraries.of("", " ", "\n", "null", "true", "0", "-1", "\"order\"", "[]", "[{}]", "{}",
							"[" + valid + "]", "{\"userId\":\"u-1\"}", "{'userId':'u-1','items':[]}",
							"{userId:\"u-1\"}", "{\"userId\":\"u-1\",\"items\":[],}", "/* c */" + valid,
							"// c\n" + valid, "{\"userId\":\"u-1\" \"items\":[]}", valid.replace(":", "="),
							valid.replace(",", ";"))
						.map(text -> new Garbage("not an order: " + text, utf8(text))));
	}

	// POST /orders: a valid order with a missing, malformed or repeated Idempotency-Key

	@Property(tries = 250, shrinking = ShrinkingMode.OFF)
	void aMissingMalformedOrRepeatedIdempotencyKeyIsRefused(@ForAll("badKeyHeaders") RawCase keyHeaders) {
		byte[] body = utf8(validOrder(1));
		String headers = "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
				+ "Authorization: Bearer " + api.token(Api.CUSTOMER) + "\r\n"
				+ new String(keyHeaders.bytes(), StandardCharsets.ISO_8859_1);
		RawHttp.Reply reply = RawHttp.send(port, RawHttp.request(port, "POST /orders HTTP/1.1", headers, body));

		JsonNode problem = assertRefused(reply, 400);
		// Tomcat refuses some bytes in a header itself: its problem names no field.
		if (problem.has("errors")) {
			assertThat(Refusals.errorFields(problem)).as(reply.toString()).contains("Idempotency-Key");
		}
	}

	@Provide
	Arbitrary<RawCase> badKeyHeaders() {
		Arbitrary<String> visible = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(64);
		Arbitrary<String> badKeys = Arbitraries.oneOf(Arbitraries.of("", " ", "   ", "\t"),
				Arbitraries.strings().withCharRange('!', '~').ofMinLength(65).ofMaxLength(4000),
				Combinators.combine(visible, Arbitraries.of(" ", "\t", "\u007f", "\u00e9", "\u00ff", "\u0080"), visible)
					.as((a, bad, b) -> a + bad + b),
				visible.map(key -> key
						+ new String("\u00e9\u20ac".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
		return Arbitraries
			.oneOf(Arbitraries.just(""), badKeys.map(key -> "Idempotency-Key: " + key + "\r\n"),
					Combinators.combine(visible, visible)
						.as((a, b) -> "Idempotency-Key: " + a + "\r\nIdempotency-Key: " + b + "\r\n"),
					visible.map(a -> "Idempotency-Key: " + a + "\r\nIdempotency-Key: " + a + "\r\n"),
					visible.map(a -> "Idempotency-Key: " + a + "\r\nidempotency-key: \r\n"))
			.map(headers -> new RawCase(headers.getBytes(StandardCharsets.ISO_8859_1)));
	}

	// Every path: methods it does not serve, bodies of the wrong media type

	@Property(tries = 150, shrinking = ShrinkingMode.OFF)
	void aMethodAPathDoesNotServeIsNotAllowed(@ForAll("wrongMethods") String[] methodAndPath) {
		Response response = api.send(HttpRequest.newBuilder(api.base().resolve(methodAndPath[1]))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", Api.newKey())
			.method(methodAndPath[0], HttpRequest.BodyPublishers.ofString(validOrder(1))));

		assertRefused(response, 405);
	}

	@Provide
	Arbitrary<String[]> wrongMethods() {
		return Arbitraries.oneOf(
				Arbitraries.of("PUT", "DELETE", "PATCH").map(method -> new String[] { method, "/orders" }),
				Arbitraries.of("POST", "PUT", "DELETE", "PATCH").map(method -> new String[] { method, "/orders/-1" }),
				Arbitraries.of("GET", "PUT", "DELETE", "PATCH")
					.map(method -> new String[] { method, "/orders/-1/cancel" }));
	}

	@Property(tries = 150, shrinking = ShrinkingMode.OFF)
	void anOrderInAnotherMediaTypeIsUnsupported(@ForAll("wrongContentTypes") String contentType) {
		HttpRequest.Builder request = HttpRequest.newBuilder(api.base().resolve("/orders"))
			.header("Idempotency-Key", Api.newKey())
			.POST(HttpRequest.BodyPublishers.ofString(validOrder(1)));
		if (!contentType.isEmpty()) {
			request.header("Content-Type", contentType);
		}
		Response response = api.send(request);

		assertRefused(response, 415);
	}

	@Provide
	Arbitrary<String> wrongContentTypes() {
		return Arbitraries.oneOf(Arbitraries.of("", "text/plain", "text/html", "application/xml", "text/xml",
				"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream",
				"application/jsonx", "application/json-patch+json", "application/problem+json", "application/yaml",
				"image/png", "text/json", "json", "application/*", "application/x-json"),
				Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(s -> "application/x-" + s));
	}

	// GET /orders/{id}, POST /orders/{id}/cancel: ids that are not an order

	@Property(tries = 200, shrinking = ShrinkingMode.OFF)
	void anIdThatIsNotAnOrderIsRefused(@ForAll("badIds") String id, @ForAll boolean cancel) {
		String path = "/orders/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")
				+ (cancel ? "/cancel" : "");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path));
		Response response = api.send(cancel ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET());

		JsonNode problem = assertRefused(response, clientErrors());
		// Tomcat itself refuses some paths (an encoded NUL); it cannot name the field.
		if (response.status() == 400 && problem.has("errors")) {
			assertThat(Refusals.errorFields(problem)).as(response.toString()).contains("id");
		}
	}

	@Provide
	Arbitrary<String> badIds() {
		// Numbers are never positive: a cancel of a real order would write.
		return Arbitraries.oneOf(Arbitraries.longs().lessOrEqual(0).map(String::valueOf),
				Arbitraries.of("9223372036854775808", "-9223372036854775809", "99999999999999999999999999", "1.5",
						"1e3", "0x10", "1_000", " 1", "1 ", "+1", "", "null", "NaN", "-0", "\uff11", "1 OR 1=1",
						"1; DROP TABLE orders", "' OR '1'='1", "..", "%2e%2e", "\u0000", "<script>"),
				sqlAndUnicode(), Arbitraries.strings().numeric().ofMinLength(20).ofMaxLength(2000));
	}

	// GET /orders: filters and paging that are not valid

	@Property(tries = 400, shrinking = ShrinkingMode.OFF)
	void aListQueryWithABadParameterIsRefused(@ForAll("badListQueries") ListQuery query) {
		Response response = api.get("/orders?" + query.queryString());

		JsonNode problem = assertRefused(response, 400);
		assertThat(Refusals.errorFields(problem)).as(query + " -> " + response).contains(query.badParameter());
	}

	@Provide
	Arbitrary<ListQuery> badListQueries() {
		// Not here, because Spring reads them as valid: an empty value (the default),
		// "0x1" (hex) and fullwidth digits (Java parses them), "CREATED " (trimmed).
		Arbitrary<String> badStatus = Arbitraries.oneOf(
				Arbitraries.of("BOGUS", "created", "Created", "CANCELED", "1", "CREATED,CONFIRMED", "' OR 1=1 --",
						"null"),
				Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40).filter(s -> !isStatus(s)));
		Arbitrary<String> badPage = Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(-1).map(String::valueOf),
				Arbitraries.integers().greaterOrEqual(100_001).map(String::valueOf),
				Arbitraries.of("abc", "1.5", "1e3", "2147483648", "-2147483649", "99999999999999999999", "1 OR 1=1"));
		Arbitrary<String> badSize = Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0).map(String::valueOf),
				Arbitraries.integers().greaterOrEqual(101).map(String::valueOf),
				Arbitraries.of("1000000000", "abc", "2.5", "1e2", "9223372036854775807", "-0"));
		// An empty userId is no filter (the customer's own orders), not an error; beyond
		// 2,000 characters the URL outgrows Tomcat's header limit, tested elsewhere.
		Arbitrary<String> badUserId = badUserIds().map(HostileInputIT::unquote)
			.filter(v -> v != null && !v.isEmpty() && v.length() <= 2000);
		return Arbitraries.oneOf(badStatus.map(v -> new ListQuery("status", v)),
				badPage.map(v -> new ListQuery("page", v)), badSize.map(v -> new ListQuery("size", v)),
				badUserId.map(v -> new ListQuery("userId", v)));
	}

	// Requests that break HTTP itself

	@Property(tries = 200, shrinking = ShrinkingMode.OFF)
	void aMalformedHttpRequestIsRefused(@ForAll("malformedHttp") RawCase request) {
		RawHttp.Reply reply = RawHttp.send(port, request.bytes());

		String requestLine = new String(request.bytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
		// The one 5xx: HTTP's own answer to a protocol version the server does not speak.
		Integer[] expected = requestLine.endsWith("HTTP/9.9") ? new Integer[] { 505 } : clientErrors();
		assertRefused(reply, expected);
	}

	private static Integer[] clientErrors() {
		return java.util.stream.IntStream.range(400, 500).boxed().toArray(Integer[]::new);
	}

	@Provide
	Arbitrary<RawCase> malformedHttp() {
		byte[] body = utf8(validOrder(1));
		String json = "Content-Type: application/json\r\nIdempotency-Key: " + Api.newKey() + "\r\n";
		return Arbitraries.<byte[]>oneOf(
				// A Content-Length shorter than the body: only a truncated order arrives.
				Arbitraries.integers()
					.between(0, body.length - 1)
					.map(length -> RawHttp.request(port, "POST /orders HTTP/1.1",
							json + "Content-Length: " + length + "\r\n", body)),
				// Longer than the body: the request ends before it is complete.
				Arbitraries.integers()
					.between(body.length + 1, body.length + 100_000)
					.map(length -> RawHttp.request(port, "POST /orders HTTP/1.1",
							json + "Content-Length: " + length + "\r\n", body)),
				Arbitraries
					.of("-1", "abc", "1e3", "99999999999999999999", " ", "10, 20", body.length + ", " + body.length)
					.map(length -> RawHttp.request(port, "POST /orders HTTP/1.1",
							json + "Content-Length: " + length + "\r\n", body)),
				Arbitraries
					.just(RawHttp.request(port, "POST /orders HTTP/1.1",
							json + "Content-Length: " + body.length + "\r\nContent-Length: " + (body.length - 1)
									+ "\r\n",
							body)),
				Arbitraries.just(RawHttp.request(port, "POST /orders HTTP/1.1",
						json + "Transfer-Encoding: chunked\r\nContent-Length: " + body.length + "\r\n", body)),
				Arbitraries.just(RawHttp.request(port, "POST /orders HTTP/1.1", json + "Transfer-Encoding: chunked\r\n",
						concat(utf8("zz\r\n"), body, utf8("\r\n0\r\n\r\n")))),
				Arbitraries
					.of("GET /orders/{id} HTTP/1.1", "GET /orders/a b HTTP/1.1", "GET /orders/%zz HTTP/1.1",
							"GET /orders/%00 HTTP/1.1", "GET /orders/%ff HTTP/1.1", "GET /orders/\u0001 HTTP/1.1",
							"GET /orders|x HTTP/1.1", "GET /orders/1/../../etc/passwd HTTP/1.1",
							"GET /orders?page=%zz HTTP/1.1", "GET /orders?status=%ff HTTP/1.1", "GET orders HTTP/1.1",
							"GET /orders HTTP/9.9", "GET /orders HTTP/1.1 extra",
							"GET /orders/" + "9".repeat(9000) + " HTTP/1.1")
					.map(line -> RawHttp.request(port, line, "", new byte[0])),
				invalidUtf8().map(bad -> concat(utf8("GET /orders/"), bad,
						utf8(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))),
				Arbitraries.just(RawHttp.request(port, "GET /orders HTTP/1.1", "X-Big: " + "a".repeat(20_000) + "\r\n",
						new byte[0])),
				Arbitraries.just(utf8("GET /orders HTTP/1.1\r\nConnection: close\r\n\r\n")),
				Arbitraries.just(utf8("GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n")))
			.map(RawCase::new);
	}

	// Generators

	private static final String USER = "\"u-hostile\"";

	private Arbitrary<String> badUserIds() {
		Arbitrary<String> validPart = Arbitraries.strings()
			.withCharRange('a', 'z')
			.withChars("0123456789._:@-")
			.ofMaxLength(20);
		Arbitrary<String> badStrings = Arbitraries.oneOf(
				Combinators.combine(validPart, badCharacters(), validPart).as((a, bad, b) -> a + bad + b),
				sqlAndUnicode(), Arbitraries.of("", " ", "   ", "\t"),
				Arbitraries.strings().withCharRange('a', 'z').ofMinLength(65).ofMaxLength(6000));
		return Arbitraries.oneOf(
				badStrings.filter(v -> !VALID_USER_ID.matcher(v).matches()).flatMap(HostileInputIT::jsonString),
				// null is no userId: the token names the customer.
				wrongTypesForAString().filter(v -> !"null".equals(v)));
	}

	private Arbitrary<String> badSkus() {
		return Arbitraries.oneOf(wrongTypesForAString(),
				Arbitraries
					.oneOf(Arbitraries.strings()
						.withCharRange('A', 'Z')
						.withChars("0123456789-")
						.ofMinLength(1)
						.ofMaxLength(64)
						.filter(s -> !SKUS.contains(s) && !"LAST-ONE".equals(s)),
							Arbitraries.of("", " ", "book-001", "Book-001", "BOOK-001 ", " BOOK-001", "BOOK-001\t",
									"BOOK\u2010001", "\uff22\uff2f\uff2f\uff2b-001", "BOOK-001\u200b", "BOOK-001\u0000",
									"BOOK-00l", "BOOK-001%", "BOOK-00_"),
							sqlAndUnicode(),
							Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(65).ofMaxLength(6000))
					.flatMap(HostileInputIT::jsonString));
	}

	private Arbitrary<String> badQuantities() {
		return Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0).map(String::valueOf),
				Arbitraries.integers().greaterOrEqual(1001).map(String::valueOf),
				Arbitraries.longs().greaterOrEqual((long) Integer.MAX_VALUE + 1).map(String::valueOf),
				Arbitraries.longs().lessOrEqual((long) Integer.MIN_VALUE - 1).map(String::valueOf),
				Arbitraries.of("9223372036854775808", "-9223372036854775809", "1" + "0".repeat(40), "1.5", "1.0", "0.5",
						"1e2", "1E0", "-0", "-0.0", "1e309", "-1e309", "1e-309", "\"1\"", "\"one\"", "\"\"", "true",
						"false", "null", "[]", "[1]", "{}", "{\"value\":1}"),
				Arbitraries.doubles().map(d -> String.valueOf(d + 0.5)).filter(s -> s.contains(".")));
	}

	private Arbitrary<String> badPrices() {
		return Arbitraries.oneOf(
				Arbitraries.bigDecimals().lessOrEqual(BigDecimal.ZERO).ofScale(2).map(BigDecimal::toPlainString),
				Arbitraries.bigDecimals()
					.between(new BigDecimal("1000000.01"), new BigDecimal("1e30"))
					.ofScale(2)
					.map(BigDecimal::toPlainString),
				Arbitraries.integers().between(1, 99_999).map(cents -> cents + ".001"),
				Arbitraries.integers().between(1, 9).map(d -> "10.00" + d),
				Arbitraries.of("0", "0.00", "-0", "-0.00", "0.001", "0.009", "1.999", "1000000.01", "1e7", "1e309",
						"-1e309", "1e-309", "1e999999999", "1e-2147483648", "1e-2147483649", "1e2147483648",
						"123456789012345678901234567890123", "\"10.00\"", "\"ten\"", "\"\"", "true", "[]", "[10.00]",
						"{}", "{\"amount\":10}"));
	}

	private Arbitrary<BadItems> badItems() {
		return Arbitraries
			.oneOf(Arbitraries.of("{}", "\"BOOK-001\"", "1", "true", "\"\"",
					"[]")
				.map(v -> new BadItems(v, v, "items")), Arbitraries.just(new BadItems("[null]", "[null]", "items[0]")),
					Arbitraries
						.just(new BadItems("[[line]]", "[[" + line("\"BOOK-001\"", "1", "10.00") + "]]", "items[0]")),
					Arbitraries.just(new BadItems("[\"BOOK-001\"]", "[\"BOOK-001\"]", "items[0]")),
					Arbitraries.integers()
						.between(51, 400)
						.map(n -> new BadItems(n + " lines",
								"[" + String.join(",", Collections.nCopies(n, line("\"BOOK-001\"", "1", "10.00")))
										+ "]",
								"items")),
					// The same SKU twice: the service refuses it, not the shape checks.
					Arbitraries.integers()
						.between(2, 5)
						.map(n -> new BadItems(n + " lines of one SKU",
								"[" + String.join(",", Collections.nCopies(n, line("\"MUG-001\"", "1", "8.00"))) + "]",
								"items[1].sku")));
	}

	private Arbitrary<BadOrder> badLineField(int lines, int at, String field, Arbitrary<String> values) {
		return values.map(value -> new BadOrder("items[" + at + "]." + field + " " + Refusals.abbreviate(value),
				order(USER, itemsWith(lines, at, field, value)), "items[" + at + "]." + field));
	}

	private Arbitrary<BadOrder> missingLineField(int lines, int at) {
		// unitPrice is optional: a line without one is valid.
		return Arbitraries.of("sku", "quantity")
			.map(field -> new BadOrder("no items[" + at + "]." + field, order(USER, itemsWith(lines, at, field, null)),
					"items[" + at + "]." + field));
	}

	private Arbitrary<BadOrder> unknownField(int lines, int at) {
		Arbitrary<String> names = Arbitraries
			.oneOf(Arbitraries.of("UserId", "userid", "user_id", "Items", "SKU", "qty", "quantiy", "price",
					"unit_price", "id", "orderId", "status", "total", "__proto__", "constructor", ""),
					Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30))
			.filter(name -> !FIELDS.contains(name));
		return Combinators.combine(names, Arbitraries.of("1", "null", "\"x\"", "[]", "{}"), Arbitraries.of(true, false))
			.as((name, value, inLine) -> {
				String member = "\"" + name + "\":" + value;
				if (inLine) {
					String items = items(lines).replaceFirst("\\{(\"sku\":\"" + Pattern.quote(SKUS.get(at)) + "\")",
							"{" + member.replace("\\", "\\\\").replace("$", "\\$") + ",$1");
					return new BadOrder("unknown items[" + at + "]." + name, order(USER, items),
							"items[" + at + "]." + name);
				}
				return new BadOrder("unknown " + name, "{" + member + "," + validOrder(lines).substring(1), name);
			});
	}

	private Arbitrary<BadOrder> duplicateKey(int lines, int at) {
		return Arbitraries.of("userId", "items", "sku", "quantity", "unitPrice").map(key -> {
			String body = switch (key) {
				case "userId" -> "{\"userId\":\"u-other\"," + validOrder(lines).substring(1);
				case "items" -> "{\"items\":" + items(lines) + "," + validOrder(lines).substring(1);
				default -> validOrder(lines).replaceFirst("\\{\"sku\":\"" + Pattern.quote(SKUS.get(at)) + "\"",
						"{\"" + key + "\":" + switch (key) {
							case "sku" -> "\"BOOK-002\"";
							// Valid lines carry no price: send this one twice.
							case "unitPrice" -> "1,\"unitPrice\":1";
							default -> "1";
						} + ",\"sku\":\"" + SKUS.get(at) + "\"");
			};
			return new BadOrder("duplicate " + key, body, null, key);
		});
	}

	private Arbitrary<BadOrder> syntaxInAField(int lines, int at) {
		return Combinators
			.combine(Arbitraries.of("sku", "quantity", "unitPrice"),
					Arbitraries.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "0x1F", "1_000", "'x'",
							"undefined", "\"unterminated", "\"tab\there\"", "\"bad \\q escape\""),
					Arbitraries.integers().between(0, 1))
			.as((field, value, nest) -> new BadOrder("items[" + at + "]." + field + " " + value,
					order(USER, itemsWith(lines, at, field, nest == 0 ? value : nested("[", 40, "1"))), null));
	}

	private static Arbitrary<String> badCharacters() {
		return Arbitraries.oneOf(
				Arbitraries.of(" ", "'", "\"", ";", "--", "/*", "%", "<", ">", "/", "\\", "(", ")", "*", "=", ",", "#",
						"\u0000", "\n", "\r", "\t", "\u007f", "\u00e9", "\ud83d\ude00", "\u202e", "\u200b", "\ufeff",
						"\ud800", "\udfff", "\uff0c", "\u0301", "\uffff"),
				Arbitraries.chars()
					.filter(c -> !Character.isLetterOrDigit(c) || c > 127)
					.map(String::valueOf)
					.filter(s -> !VALID_USER_ID.matcher(s).matches()));
	}

	private static Arbitrary<String> sqlAndUnicode() {
		return Arbitraries.of("' OR '1'='1", "admin'--", "1; DROP TABLE orders", "\" OR \"\"=\"",
				"u-1' UNION SELECT * FROM orders --", "%' OR 1=1 --", "u-1\\'; DELETE FROM order_item; --",
				"'); INSERT INTO orders VALUES (1); --", "1 AND SLEEP(5)", "${jndi:ldap://x/a}", "#{7*7}",
				"<script>alert(1)</script>", "../../etc/passwd", "\u0000", "\u202eu-1", "\ud83d\ude00", "\u00e9",
				"\u0130", "\ufb01", "\u212a", "\u1e9e");
	}

	private static Arbitrary<String> wrongTypesForAString() {
		return Arbitraries.of("true", "false", "null", "1", "0", "-1", "1.5", "1e3", "[]", "[\"x\"]", "{}",
				"{\"a\":1}");
	}

	/** Byte sequences that are never valid UTF-8. */
	private static Arbitrary<byte[]> invalidUtf8() {
		return Arbitraries.of(new byte[] { (byte) 0xff }, new byte[] { (byte) 0xfe }, new byte[] { (byte) 0xc3, 0x28 },
				new byte[] { (byte) 0xc0, (byte) 0xaf }, new byte[] { (byte) 0xe0, (byte) 0x80, (byte) 0xaf },
				new byte[] { (byte) 0xed, (byte) 0xa0, (byte) 0x80 }, new byte[] { (byte) 0xe2, (byte) 0x82 },
				new byte[] { (byte) 0x80 }, new byte[] { (byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80 },
				new byte[] { (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80 },
				new byte[] { (byte) 0xc1, (byte) 0xbf });
	}

	/** The string as a JSON string token, non-ASCII either escaped or raw UTF-8. */
	private static Arbitrary<String> jsonString(String value) {
		return Arbitraries.of(true, false).map(escapeAll -> {
			StringBuilder json = new StringBuilder("\"");
			for (char c : value.toCharArray()) {
				if (c == '"' || c == '\\') {
					json.append('\\').append(c);
				}
				else if (c < 0x20 || Character.isSurrogate(c) || (escapeAll && c > 0x7e)) {
					json.append(String.format("\\u%04x", (int) c));
				}
				else {
					json.append(c);
				}
			}
			return json.append('"').toString();
		});
	}

	/**
	 * The Java string a JSON string token stands for (null if it is not a plain string).
	 */
	private static String unquote(String json) {
		if (!json.startsWith("\"") || json.contains("\\")) {
			return null;
		}
		return json.substring(1, json.length() - 1);
	}

	private static boolean isStatus(String value) {
		for (OrderStatus status : OrderStatus.values()) {
			if (status.name().equals(value)) {
				return true;
			}
		}
		return false;
	}

	private static String validOrder(int lines) {
		return order(USER, items(lines));
	}

	private static String order(String userId, String items) {
		List<String> members = new ArrayList<>();
		if (userId != null) {
			members.add("\"userId\":" + userId);
		}
		if (items != null) {
			members.add("\"items\":" + items);
		}
		return "{" + String.join(",", members) + "}";
	}

	private static String items(int lines) {
		return itemsWith(lines, -1, null, null);
	}

	/**
	 * {@code lines} valid lines of distinct SKUs, with one field of one line replaced.
	 */
	private static String itemsWith(int lines, int at, String field, String value) {
		List<String> all = new ArrayList<>();
		for (int i = 0; i < lines; i++) {
			String sku = "\"" + SKUS.get(i) + "\"";
			String quantity = "1";
			// No price: the catalog's is taken, so no valid line is refused for one.
			String unitPrice = null;
			if (i == at) {
				switch (field) {
					case "sku" -> sku = value;
					case "quantity" -> quantity = value;
					default -> unitPrice = value;
				}
			}
			all.add(line(sku, quantity, unitPrice));
		}
		return "[" + String.join(",", all) + "]";
	}

	private static String line(String sku, String quantity, String unitPrice) {
		List<String> members = new ArrayList<>();
		if (sku != null) {
			members.add("\"sku\":" + sku);
		}
		if (quantity != null) {
			members.add("\"quantity\":" + quantity);
		}
		if (unitPrice != null) {
			members.add("\"unitPrice\":" + unitPrice);
		}
		return "{" + String.join(",", members) + "}";
	}

	private static String nested(String open, int depth, String inner) {
		String close = "[".equals(open) ? "]" : "}";
		return open.repeat(depth) + inner + close.repeat(depth);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			all.writeBytes(part);
		}
		return all.toByteArray();
	}

	private static Tuple2<Integer, Arbitrary<? extends BadOrder>> weighted(int weight, Arbitrary<BadOrder> orders) {
		return Tuple.of(weight, orders);
	}

	// Assertions

	private static JsonNode assertRefused(Response response, Integer... statuses) {
		assertNothingWritten(response.toString());
		assertThat(response.status()).as(response.toString()).isIn((Object[]) statuses);
		return Refusals.assertProblem(api.json(), response.status(), response.header("Content-Type"),
				response.raw().body());
	}

	private static JsonNode assertRefused(RawHttp.Reply reply, Integer... statuses) {
		assertNothingWritten(reply.toString());
		assertThat(reply.status()).as(reply.toString()).isIn((Object[]) statuses);
		return Refusals.assertProblem(api.json(), reply.status(), reply.contentType(), reply.body());
	}

	/**
	 * Checked after every request, so the request that wrote is the one reported (the
	 * check after the property would hide it).
	 */
	private static void assertNothingWritten(String response) {
		assertThat(Refusals.Footprint.of(jdbc, probe)).as("written after " + response).isEqualTo(beforeProperty);
	}

	/**
	 * A request body broken in one place; {@code field} must be named in its errors,
	 * {@code mention} in its detail.
	 */
	record BadOrder(String name, String body, String field, String mention) {

		BadOrder(String name, String body, String field) {
			this(name, body, field, null);
		}

		@Override
		public String toString() {
			return this.name + ": " + Refusals.abbreviate(this.body);
		}

	}

	record BadItems(String name, String body, String field) {
	}

	record Garbage(String name, byte[] bytes) {

		@Override
		public String toString() {
			return this.name + " (" + this.bytes.length + " bytes)";
		}

	}

	/** Bytes sent as they are, shown as text. */
	record RawCase(byte[] bytes) {

		@Override
		public String toString() {
			return Refusals.abbreviate(new String(this.bytes, StandardCharsets.ISO_8859_1));
		}

	}

	record ListQuery(String badParameter, String badValue) {

		String queryString() {
			return this.badParameter + "=" + URLEncoder.encode(this.badValue, StandardCharsets.UTF_8);
		}

	}

}
