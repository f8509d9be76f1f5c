package io.txorders.producer.order.place;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fingerprint decides whether a repeated Idempotency-Key carries the same request.
 */
class RequestFingerprintTest {

	@Test
	void theSameOrderWrittenDifferentlyHasTheSameFingerprint() {
		assertThat(fingerprint(order("u-1", "BOOK-001", 2, "12.5")))
			.isEqualTo(fingerprint(order("u-1", "BOOK-001", 2, "12.50")));
	}

	@Test
	void anyChangeOfMeaningChangesTheFingerprint() {
		String original = fingerprint(order("u-1", "BOOK-001", 2, "12.50"));

		assertThat(fingerprint(order("u-2", "BOOK-001", 2, "12.50"))).isNotEqualTo(original);
		assertThat(fingerprint(order("u-1", "BOOK-002", 2, "12.50"))).isNotEqualTo(original);
		assertThat(fingerprint(order("u-1", "BOOK-001", 3, "12.50"))).isNotEqualTo(original);
		assertThat(fingerprint(order("u-1", "BOOK-001", 2, "12.51"))).isNotEqualTo(original);
	}

	/**
	 * Orders stored before the customer came from the token hashed their body's userId
	 * the same way: a client retrying such an order with the same key still gets it back.
	 */
	@Test
	void theFingerprintOfAnOrderPlacedBeforeTokensIsUnchanged() {
		assertThat(fingerprint(order("u-1", "BOOK-001", 2, "12.50")))
			.isEqualTo("fcf6d399108140068fe41b2f646bea494faa755a862d4cd5c580edc3ed3a2e09");
	}

	@Test
	void theCustomerIsTheTokensWhetherOrNotTheBodyNamesThem() {
		PlaceOrderRequest named = order("u-1", "BOOK-001", 2, "12.50");
		PlaceOrderRequest unnamed = new PlaceOrderRequest(null, named.items());

		assertThat(PlaceOrderService.fingerprint("u-1", unnamed))
			.isEqualTo(PlaceOrderService.fingerprint("u-1", named));
		assertThat(PlaceOrderService.fingerprint("u-2", unnamed))
			.isNotEqualTo(PlaceOrderService.fingerprint("u-1", named));
	}

	@Test
	void aPriceSentAndNoPriceSentAreDifferentRequests() {
		PlaceOrderRequest priced = order("u-1", "BOOK-001", 2, "12.50");
		PlaceOrderRequest unpriced = new PlaceOrderRequest("u-1", List.of(new PlaceOrderRequest.Line("BOOK-001", 2)));

		assertThat(fingerprint(unpriced)).isNotEqualTo(fingerprint(priced));
	}

	@Test
	void fieldBoundariesCannotBeShiftedToCollide() {
		assertThat(fingerprint(order("u-1", "AB", 1, "1.00"))).isNotEqualTo(fingerprint(order("u-1A", "B", 1, "1.00")));
	}

	/** The customer is the request's userId here, as the token's subject would be. */
	private static String fingerprint(PlaceOrderRequest request) {
		return PlaceOrderService.fingerprint(request.userId(), request);
	}

	private static PlaceOrderRequest order(String userId, String sku, int quantity, String unitPrice) {
		return new PlaceOrderRequest(userId,
				List.of(new PlaceOrderRequest.Line(sku, quantity, new BigDecimal(unitPrice))));
	}

}
