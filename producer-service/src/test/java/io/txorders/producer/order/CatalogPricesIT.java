package io.txorders.producer.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.producer.order.place.OrderLimits;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prices are the catalog's: the server computes every total, a client that saw another
 * price is told (409) and nothing is written, orders beyond {@link OrderLimits} are
 * refused, and customer ids and Idempotency-Keys compare byte for byte.
 */
@ProducerServiceTest
class CatalogPricesIT {

	@Autowired
	private Api api;

	@Autowired
	private JdbcTemplate jdbc;

	/** Customers of this run only: the test database may hold earlier runs' orders. */
	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@Test
	void theCatalogListsEveryOrderableSkuWithItsPrice() {
		Response catalog = this.api.get("/catalog");

		assertThat(catalog.status()).as(catalog.toString()).isEqualTo(200);
		JsonNode book = null;
		for (JsonNode item : catalog.body().get("items")) {
			if (item.get("sku").asString().equals("BOOK-001")) {
				book = item;
			}
		}
		assertThat(book).as(catalog.toString()).isNotNull();
		assertThat(book.get("price").decimalValue()).isEqualByComparingTo(catalogPrice("BOOK-001"));
		assertThat(book.get("currency").asString()).isEqualTo("EUR");
		assertThat(book.get("name").asString()).isNotBlank();
	}

	@Test
	void anOrderWithoutPricesIsPricedFromTheCatalog() {
		BigDecimal price = catalogPrice("BOOK-002");

		Response placed = this.api.placeOrder(Api.newKey(), Api.order("u-priced", "BOOK-002", 3));

		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		assertThat(placed.body().get("total").decimalValue())
			.isEqualByComparingTo(price.multiply(BigDecimal.valueOf(3)));
		assertThat(placed.body().get("currency").asString()).isEqualTo("EUR");
		assertThat(placed.body().get("items").get(0).get("unitPrice").decimalValue()).isEqualByComparingTo(price);
		long orderId = Long.parseLong(placed.body().get("orderId").asString());
		assertThat(this.jdbc.queryForObject("SELECT unit_price FROM order_item WHERE order_id = ?", BigDecimal.class,
				orderId))
			.isEqualByComparingTo(price);
	}

	@Test
	void thePriceTheCustomerSawIsAcceptedWhenItIsTheCatalogs() {
		String price = catalogPrice("MUG-001").stripTrailingZeros().toPlainString();

		Response placed = this.api.placeOrder(Api.newKey(), Api.order("u-saw-price", "MUG-001", 2, price));

		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
	}

	@Test
	void anotherPriceThanTheCatalogsIsAConflictAndWritesNothing() {
		String key = Api.newKey();
		BigDecimal current = catalogPrice("BOOK-001");
		String body = """
				{"userId":"u-stale-%s","items":[{"sku":"MUG-001","quantity":1},{"sku":"BOOK-001","quantity":1,"unitPrice":0.01}]}
				"""
			.formatted(this.run);

		Response refused = this.api.placeOrder(key, body);

		assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
		assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
		JsonNode difference = refused.body().get("prices").get(0);
		assertThat(refused.body().get("prices")).hasSize(1);
		assertThat(difference.get("field").asString()).isEqualTo("items[1].unitPrice");
		assertThat(difference.get("sku").asString()).isEqualTo("BOOK-001");
		assertThat(difference.get("requested").decimalValue()).isEqualByComparingTo("0.01");
		assertThat(difference.get("current").decimalValue()).isEqualByComparingTo(current);
		assertThat(refused.body().get("detail").asString()).contains("items[1].unitPrice")
			.contains(current.toPlainString());
		assertThat(ordersOf("u-stale-" + this.run)).isZero();
	}

	@Test
	void anOrderAtTheLimitsIsAcceptedAndOneBeyondIsRefusedNamingTheLimit() {
		List<String> skus = pricedSkus(11, "1000000.00");

		Response largest = this.api.placeOrder(Api.newKey(), order("u-largest", skus.subList(0, 10), 1));
		assertThat(largest.status()).as(largest.toString()).isEqualTo(201);
		assertThat(largest.body().get("total").decimalValue()).isEqualByComparingTo(OrderLimits.MAX_ORDER_TOTAL);

		Response tooLarge = this.api.placeOrder(Api.newKey(), order("u-too-large-" + this.run, skus, 1));
		assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(400);
		assertThat(tooLarge.body().get("detail").asString()).contains("order total 11000000.00")
			.contains("limit of 10000000.00");

		Response lineTooLarge = this.api.placeOrder(Api.newKey(),
				order("u-line-too-large-" + this.run, skus.subList(0, 1), 2));
		assertThat(lineTooLarge.status()).as(lineTooLarge.toString()).isEqualTo(400);
		assertThat(lineTooLarge.body().get("errors").get(0).get("field").asString()).isEqualTo("items[0].quantity");
		assertThat(lineTooLarge.body().get("detail").asString()).contains("limit of 1000000.00 per line");
		assertThat(ordersOf("u-too-large-" + this.run) + ordersOf("u-line-too-large-" + this.run)).isZero();
	}

	@Test
	void aSkuThatIsListedButNotPricedCannotBeOrdered() {
		String sku = "IT-UNPRICED-" + UUID.randomUUID().toString().substring(0, 8);
		this.jdbc.update("INSERT INTO catalog_item (sku, name) VALUES (?, 'not for sale yet')", sku);

		Response refused = this.api.placeOrder(Api.newKey(), Api.order("u-unpriced", sku, 1));

		assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
		assertThat(refused.body().get("detail").asString()).contains("unknown SKU '" + sku + "'");
	}

	@Test
	void idempotencyKeysAndCustomersDifferingOnlyInCaseAreDistinct() {
		String key = "K-Case-" + UUID.randomUUID();

		Response first = this.api.placeOrder(key, Api.order("u-case-" + this.run, "STICKER-1", 1));
		Response second = this.api.placeOrder(key.toLowerCase(), Api.order("u-case-" + this.run, "STICKER-1", 1));
		Response otherUser = this.api.placeOrder(key, Api.order("U-CASE-" + this.run, "STICKER-1", 1));

		assertThat(List.of(first.status(), second.status(), otherUser.status())).containsOnly(201);
		assertThat(List.of(first, second, otherUser)).extracting(r -> r.body().get("orderId").asString())
			.doesNotHaveDuplicates();
		assertThat(ordersOf("u-case-" + this.run)).isEqualTo(2);
		assertThat(ordersOf("U-CASE-" + this.run)).isEqualTo(1);
		Response listed = this.api.get("/orders?userId=U-CASE-" + this.run);
		assertThat(listed.body().get("total").asLong()).isEqualTo(1);
	}

	private BigDecimal catalogPrice(String sku) {
		return this.jdbc.queryForObject("SELECT price FROM catalog_item WHERE sku = ?", BigDecimal.class, sku);
	}

	private int ordersOf(String userId) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE user_id = ?", Integer.class, userId);
	}

	/** New SKUs of this test at one price, unknown to the catalog's cache until now. */
	private List<String> pricedSkus(int count, String price) {
		String prefix = "IT-MAX-" + UUID.randomUUID().toString().substring(0, 8) + "-";
		List<String> skus = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			skus.add(prefix + i);
			this.jdbc.update("INSERT INTO catalog_item (sku, name, price, currency) VALUES (?, 'limit test', ?, 'EUR')",
					prefix + i, new BigDecimal(price));
		}
		return skus;
	}

	private static String order(String userId, List<String> skus, int quantity) {
		List<String> lines = skus.stream()
			.map(sku -> "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}")
			.toList();
		return "{\"userId\":\"" + userId + "\",\"items\":[" + String.join(",", lines) + "]}";
	}

}
