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
