package io.txorders.producer.order.place;

import java.math.BigDecimal;
import java.util.List;

import io.txorders.customers.CustomerIds;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /orders}. The customer is the access token's subject:
 * {@code userId} may be left out, and if present must be that customer (else 403).
 */
public record PlaceOrderRequest(
		@Size(min = 1, max = CustomerIds.MAX_LENGTH) @Pattern(regexp = CustomerIds.PATTERN,
				message = "may contain only letters, digits and . _ : @ -") String userId,
		@NotEmpty @Size(max = OrderLimits.MAX_LINES) List<@NotNull @Valid Line> items) {

	/**
	 * One line: how many of a SKU. {@code unitPrice} is optional: the price the customer
	 * saw (at most 2 decimals); the order is refused with 409 if the catalog's differs.
	 */
	public record Line(@NotBlank @Size(max = 64) String sku,
			@NotNull @Min(1) @Max(OrderLimits.MAX_QUANTITY) Integer quantity,
			@DecimalMin("0.01") @DecimalMax("1000000.00") @Digits(integer = 7, fraction = 2) BigDecimal unitPrice) {

		public Line(String sku, Integer quantity) {
			this(sku, quantity, null);
		}

	}

}
