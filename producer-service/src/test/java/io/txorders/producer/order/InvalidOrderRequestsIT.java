package io.txorders.producer.order;

import java.net.http.HttpRequest;
import java.util.stream.Stream;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets a 4xx RFC 9457 problem naming what is wrong, and nothing is written or
 * sent: no row changes and no local transaction (so no half message) starts.
 */
@ProducerServiceTest
class InvalidOrderRequestsIT {

	private static final String LINE = "{\"sku\":\"BOOK-001\",\"quantity\":1}";

	@Autowired
	private Api api;

	@Autowired
	private ScriptedProbe probe;

	@Autowired
	private JdbcTemplate jdbc;

	static Stream<Arguments> badOrders() {
		return Stream.of(bad("an empty userId", "{\"userId\":\"\",\"items\":[" + LINE + "]}", "userId"),
				bad("userId of the wrong type", "{\"userId\":{\"a\":1},\"items\":[" + LINE + "]}", "userId"),
				bad("userId too long", order("u".repeat(65), LINE), "userId"),
				bad("userId with spaces", order("a user", LINE), "userId"),
				bad("missing items", "{\"userId\":\"u-1\"}", "items"),
				bad("empty items", "{\"userId\":\"u-1\",\"items\":[]}", "items"),
				bad("a null line", "{\"userId\":\"u-1\",\"items\":[null]}", "items[0]"),
				bad("too many lines", order("u-1", String.join(",", java.util.Collections.nCopies(51, LINE))), "items"),
				bad("zero quantity", line("BOOK-001", "0", "10.00"), "items[0].quantity"),
				bad("negative quantity", line("BOOK-001", "-3", "10.00"), "items[0].quantity"),
				bad("huge quantity", line("BOOK-001", "99999999999", "10.00"), "items[0].quantity"),
				bad("quantity above the line limit", line("BOOK-001", "1001", "10.00"), "items[0].quantity"),
				bad("fractional quantity", line("BOOK-001", "1.5", "10.00"), "items[0].quantity"),
				bad("quantity of the wrong type", line("BOOK-001", "\"many\"", "10.00"), "items[0].quantity"),
				bad("zero unit price", line("BOOK-001", "1", "0.00"), "items[0].unitPrice"),
				bad("negative unit price", line("BOOK-001", "1", "-1.00"), "items[0].unitPrice"),
				bad("unit price with 3 decimals", line("BOOK-001", "1", "1.999"), "items[0].unitPrice"),
				bad("absurd unit price", line("BOOK-001", "1", "1e300"), "items[0].unitPrice"),
				bad("unknown SKU", line("NO-SUCH-SKU", "1", "10.00"), "items[0].sku"),
				bad("SKU too long", line("S".repeat(65), "1", "10.00"), "items[0].sku"),
				bad("the same SKU twice", order("u-1", LINE + "," + LINE), "items[1].sku"),
				bad("an unknown field", order("u-1", "{\"sku\":\"BOOK-001\",\"quantiy\":1,\"unitPrice\":10.00}"),
						"items[0].quantiy"),
				bad("malformed JSON", "{\"userId\":\"u-1\",\"items\":[", "items"),
				bad("a JSON array instead of an object", "[]", ""), bad("an empty body", "", ""),
				bad("a 10 KB string", order("u".repeat(10_000), LINE), "userId"),
				bad("SQL in the userId", order("u'; DROP TABLE orders; --", LINE), "userId"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badOrders")
	void aBadOrderIsRefusedWithAProblemNamingTheFieldAndNothingHappens(String body, String field) {
		Refusals.Footprint before = state();

		Response response = this.api.placeOrder(Api.newKey(), body);

		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertProblem(response);
		assertThat(Refusals.errorFields(response.body())).as(response.toString()).contains(field);
		assertThat(state()).isEqualTo(before);
	}

	@ParameterizedTest(name = "Idempotency-Key {0}")
	@MethodSource("badKeys")
	void aMissingOrMalformedIdempotencyKeyIsRefused(String key) {
		Refusals.Footprint before = state();

		Response response = this.api.placeOrder(key, order("u-1", LINE));

		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertProblem(response);
		assertThat(response.body().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
		assertThat(state()).isEqualTo(before);
	}

	static Stream<Arguments> badKeys() {
		return Stream.of(Arguments.of(Named.of("missing", null)), Arguments.of(Named.of("too long", "k".repeat(65))),
				Arguments.of(Named.of("with a space", "two words")));
	}

	@org.junit.jupiter.api.Test
	void aBodyThatIsNotJsonIsUnsupported() {
		Refusals.Footprint before = state();

		Response response = this.api.send(HttpRequest.newBuilder(this.api.base().resolve("/orders"))
			.header("Content-Type", "text/plain")
			.header("Idempotency-Key", Api.newKey())
			.POST(HttpRequest.BodyPublishers.ofString(order("u-1", LINE))));

		assertThat(response.status()).isEqualTo(415);
		assertProblem(response);
		assertThat(state()).isEqualTo(before);
	}

	@org.junit.jupiter.api.Test
	void aWrongMethodIsNotAllowed() {
		Response response = this.api.send(HttpRequest.newBuilder(this.api.base().resolve("/orders"))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(order("u-1", LINE))));

		assertThat(response.status()).isEqualTo(405);
		assertProblem(response);
	}

	@org.junit.jupiter.api.Test
	void aNonNumericOrderIdIsABadRequest() {
		Response response = this.api.get("/orders/not-a-number");

		assertThat(response.status()).isEqualTo(400);
		assertProblem(response);
		assertThat(response.body().get("errors").get(0).get("field").asString()).isEqualTo("id");
	}

	private void assertProblem(Response response) {
		Refusals.assertProblem(this.api.json(), response.status(), response.header("Content-Type"),
				response.raw().body());
	}

	private Refusals.Footprint state() {
		return Refusals.Footprint.of(this.jdbc, this.probe);
	}

	private static Arguments bad(String name, String body, String field) {
		return Arguments.of(Named.of(name, body), field);
	}

	private static String order(String userId, String lines) {
		return "{\"userId\":\"" + userId.replace("\"", "\\\"") + "\",\"items\":[" + lines + "]}";
	}

	private static String line(String sku, String quantity, String unitPrice) {
		return order("u-1", "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"unitPrice\":" + unitPrice + "}");
	}

}
