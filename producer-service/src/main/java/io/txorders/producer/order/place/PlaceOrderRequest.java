package io.txorders.producer.order.place;

import java.math.BigDecimal;
import java.util.List;

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
 * The body of {@code POST /orders}.
 */
public record PlaceOrderRequest(
		@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._:@-]*",
				message = "may contain only letters, digits and . _ : @ -") String userId,
		@NotEmpty @Size(max = 50) List<@NotNull @Valid Line> items) {

	/** One line: how many of a SKU, at what unit price (at most 2 decimals). */
	public record Line(@NotBlank @Size(max = 64) String sku, @NotNull @Min(1) @Max(1000) Integer quantity,
			@NotNull @DecimalMin("0.01") @DecimalMax("1000000.00") @Digits(integer = 7,
					fraction = 2) BigDecimal unitPrice) {
	}

}
