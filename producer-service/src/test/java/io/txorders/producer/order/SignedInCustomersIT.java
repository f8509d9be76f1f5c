package io.txorders.producer.order;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.testsupport.CustomerTokens;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order API is for signed-in customers: every token a real identity provider would
 * not have issued for this service is refused (401, a problem body, nothing written), and
 * a customer sees, lists and cancels only their own orders.
 */
@ProducerServiceTest
class SignedInCustomersIT {

	@Autowired
	private Api api;

	@Autowired
	private JdbcTemplate jdbc;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	/**
	 * Tokens that must be refused, with the status each gets; a null token sends no
	 * Authorization header.
	 */
	static Stream<Arguments> hostileTokens() throws Exception {
		CustomerTokens tokens = io.txorders.testsupport.LocalInfra.shared().customerTokens();
		Instant now = Instant.now();
		RSAKey otherKey = new RSAKeyGenerator(2048).keyID("not-the-stack").generate();
		return Stream.of(token("missing", null), token("not a JWT", "abc.def"),
				token("expired an hour ago",
						tokens.sign(tokens.claims("mallory")
							.issueTime(Date.from(now.minusSeconds(7200)))
							.notBeforeTime(Date.from(now.minusSeconds(7200)))
							.expirationTime(Date.from(now.minusSeconds(3600)))
							.build())),
				token("not valid for another hour",
						tokens.sign(tokens.claims("mallory").notBeforeTime(Date.from(now.plusSeconds(3600))).build())),
				token("signed with another key", CustomerTokens.sign(tokens.claims("mallory").build(), otherKey)),
				token("alg none", new PlainJWT(tokens.claims("mallory").build()).serialize()),
				token("another issuer", tokens.sign(tokens.claims("mallory").issuer("https://evil.example").build())),
				token("no subject", tokens.sign(tokens.claims("mallory").subject(null).build())),
				token("a subject that is not a customer id", tokens.sign(tokens.claims("mal lory'--").build())),
				token("a subject of 65 characters", tokens.sign(tokens.claims("m".repeat(65)).build())),
				// Tomcat refuses a header past its limit with 400, before any token.
				token("a subject of 10,000 characters", tokens.sign(tokens.claims("m".repeat(10_000)).build()), 400),
				token("a tampered payload", tamper(tokens.forCustomer("mallory"))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileTokens")
	void aTokenNoProviderIssuedIsRefusedAtEveryEndpointAndNothingIsWritten(String token, int status) {
		String victim = place("u-victim-" + this.run);
		long ordersBefore = count("SELECT COUNT(*) FROM orders");
		long historyBefore = count("SELECT COUNT(*) FROM order_history");

		List<HttpRequest.Builder> requests = List.of(
				HttpRequest.newBuilder(this.api.base().resolve("/orders"))
					.header("Content-Type", "application/json")
					.header("Idempotency-Key", Api.newKey())
					.POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"sku\":\"BOOK-001\",\"quantity\":1}]}")),
				HttpRequest.newBuilder(this.api.base().resolve("/orders")).GET(),
				HttpRequest.newBuilder(this.api.base().resolve("/orders/" + victim)).GET(),
				HttpRequest.newBuilder(this.api.base().resolve("/orders/" + victim + "/cancel"))
					.POST(HttpRequest.BodyPublishers.noBody()));
		for (HttpRequest.Builder request : requests) {
			if (token != null) {
				request.header("Authorization", "Bearer " + token);
			}
			Response response = this.api.sendAs(null, request);

			assertThat(response.status()).as(response.toString()).isEqualTo(status);
			assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
			if (response.status() == 401) {
				assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
				assertThat(response.header("Content-Type")).as("the body is written as UTF-8 and says so")
					.containsIgnoringCase("charset=UTF-8");
				assertThat(response.body().get("detail").asString()).isNotBlank();
			}
		}
		assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(ordersBefore);
		assertThat(count("SELECT COUNT(*) FROM order_history")).isEqualTo(historyBefore);
	}

	@Test
	void aCustomerSeesListsAndCancelsOnlyTheirOwnOrders() {
		String alice = "alice-" + this.run;
		String bob = "bob-" + this.run;
		String order = place(alice);

		Response shown = this.api.sendAs(bob, get("/orders/" + order));
		Response cancelled = this.api.sendAs(bob,
				HttpRequest.newBuilder(this.api.base().resolve("/orders/" + order + "/cancel"))
					.POST(HttpRequest.BodyPublishers.noBody()));
		Response listed = this.api.sendAs(bob, get("/orders"));
		Response listedAsAlice = this.api.sendAs(bob, get("/orders?userId=" + alice));

		assertThat(shown.status()).as(shown.toString()).isEqualTo(404);
		assertThat(shown.body().get("detail").asString()).isEqualTo("no order with id " + order);
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(404);
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.body().get("total").asLong()).isZero();
		assertThat(listedAsAlice.status()).as(listedAsAlice.toString()).isEqualTo(403);
		assertThat(
				this.jdbc.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, Long.parseLong(order)))
			.isEqualTo("CREATED");

		Response own = this.api.sendAs(alice, get("/orders"));
		assertThat(own.body().get("items").valueStream().map(o -> o.get("orderId").asString())).containsExactly(order);
		assertThat(this.api.sendAs(alice, get("/orders/" + order)).status()).isEqualTo(200);
	}

	@Test
	void aBodyNamingAnotherCustomerIsForbiddenAndWritesNothing() {
		String bob = "bob-" + this.run;
		String body = "{\"userId\":\"alice-" + this.run + "\",\"items\":[{\"sku\":\"BOOK-001\",\"quantity\":1}]}";

		Response refused = this.api.sendAs(bob,
				HttpRequest.newBuilder(this.api.base().resolve("/orders"))
					.header("Content-Type", "application/json")
					.header("Idempotency-Key", Api.newKey())
					.POST(HttpRequest.BodyPublishers.ofString(body)));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
		assertThat(refused.body().get("detail").asString()).contains("alice-" + this.run);
		assertThat(count(
				"SELECT COUNT(*) FROM orders WHERE user_id IN ('alice-" + this.run + "', 'bob-" + this.run + "')"))
			.isZero();
	}

	@Test
	void theCatalogAndHealthArePublic() {
		assertThat(this.api.sendAs(null, get("/catalog")).status()).isEqualTo(200);
		assertThat(this.api.sendAs(null, get("/actuator/health")).status()).isEqualTo(200);
	}

	@Test
	void theApiDocumentIsPublicAndRequiresTheBearerTokenOnOrders() {
		Response document = this.api.sendAs(null, get("/v3/api-docs"));

		assertThat(document.status()).as(document.toString()).isEqualTo(200);
		JsonNode paths = document.body().get("paths");
		assertThat(paths.propertyNames()).contains("/orders", "/orders/{id}", "/orders/{id}/cancel", "/catalog");
		JsonNode scheme = document.body().get("components").get("securitySchemes").get("customerToken");
		assertThat(scheme.get("type").asString()).isEqualTo("http");
		assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
		assertThat(paths.get("/orders").get("post").get("security").get(0).has("customerToken")).isTrue();
		assertThat(paths.get("/catalog").get("get").has("security")).isFalse();
		assertThat(this.api.sendAs(null, get("/swagger-ui.html")).status()).isIn(200, 302);
	}

	private String place(String customer) {
		Response placed = this.api.placeOrder(Api.newKey(), Api.order(customer, "STICKER-1", 1));
		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		return placed.body().get("orderId").asString();
	}

	private HttpRequest.Builder get(String path) {
		return HttpRequest.newBuilder(this.api.base().resolve(path)).GET();
	}

	private long count(String sql) {
		return this.jdbc.queryForObject(sql, Long.class);
	}

	private static Arguments token(String name, String token) {
		return token(name, token, 401);
	}

	private static Arguments token(String name, String token, int status) {
		return Arguments.of(Named.of(name, token), status);
	}

	/** The same signature over a payload with another subject. */
	private static String tamper(String token) {
		String[] parts = token.split("\\.");
		String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
				java.nio.charset.StandardCharsets.UTF_8)
			.replace("\"sub\":\"mallory\"", "\"sub\":\"admin\"");
		return parts[0] + "."
				+ java.util.Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8))
				+ "." + parts[2];
	}

}
