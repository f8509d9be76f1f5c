package io.txorders.producer.order;

import java.net.URI;

import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.txorders.customers.CustomerIds;
import io.txorders.producer.customer.OrderApiDocument;
import io.txorders.producer.order.cancel.OrderCancellations;
import io.txorders.producer.order.place.IdempotencyKeys;
import io.txorders.producer.order.place.PlaceOrderRequest;
import io.txorders.producer.order.place.PlaceOrderService;
import io.txorders.producer.order.query.OrderQueries;
import io.txorders.producer.order.store.OrderStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in customer's orders (the access token's subject is the customer; see
 * {@code CustomerSecurity}). {@code POST /orders} places an order (201, or 200 with the
 * original for a repeated Idempotency-Key); {@code GET /orders/{id}} shows it with its
 * history; {@code GET /orders} lists them (filter {@code status}; {@code page},
 * {@code size}); {@code POST /orders/{id}/cancel} cancels a CREATED or CONFIRMED order
 * (409 otherwise). Another customer's order is 404.
 */
@RestController
@RequestMapping("/orders")
@SecurityRequirement(name = OrderApiDocument.CUSTOMER_TOKEN)
class OrderController {

	private final PlaceOrderService placeOrders;

	private final OrderQueries queries;

	private final OrderCancellations cancellations;

	OrderController(PlaceOrderService placeOrders, OrderQueries queries, OrderCancellations cancellations) {
		this.placeOrders = placeOrders;
		this.queries = queries;
		this.cancellations = cancellations;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<OrderView> place(@AuthenticationPrincipal Jwt customer,
			@RequestHeader(IdempotencyKeys.HEADER) String idempotencyKey, @RequestHeader HttpHeaders headers,
			@Valid @RequestBody PlaceOrderRequest request) {
		IdempotencyKeys.checkSentOnce(headers.getOrEmpty(IdempotencyKeys.HEADER));
		IdempotencyKeys.check(idempotencyKey);
		PlaceOrderService.Placed placed = this.placeOrders.place(customer.getSubject(), idempotencyKey, request);
		URI location = URI.create("/orders/" + placed.order().orderId());
		return placed.created() ? ResponseEntity.created(location).body(placed.order())
				: ResponseEntity.ok().location(location).body(placed.order());
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	OrderPage list(@AuthenticationPrincipal Jwt customer,
			@RequestParam(required = false) @Size(max = CustomerIds.MAX_LENGTH) @Pattern(regexp = CustomerIds.PATTERN,
					message = "may contain only letters, digits and . _ : @ -") String userId,
			@RequestParam(required = false) OrderStatus status,
			@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
		// An empty filter is no filter; another customer's is refused, not ignored.
		if (userId != null && !userId.isEmpty() && !userId.equals(customer.getSubject())) {
			throw new OrderProblems.NotTheSignedInCustomer("userId", userId);
		}
		return this.queries.list(customer.getSubject(), status, page, size);
	}

	@PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
	OrderView cancel(@AuthenticationPrincipal Jwt customer, @PathVariable long id) {
		this.cancellations.cancelByCustomer(customer.getSubject(), id);
		return this.queries.findFor(customer.getSubject(), id);
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	OrderView find(@AuthenticationPrincipal Jwt customer, @PathVariable long id) {
		return this.queries.findFor(customer.getSubject(), id);
	}

}
