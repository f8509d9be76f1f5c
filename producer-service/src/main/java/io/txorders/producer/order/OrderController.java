package io.txorders.producer.order;

import java.net.URI;

import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders} places an order (201, or 200 with the original for a repeated
 * Idempotency-Key); {@code GET /orders/{id}} shows it with its history.
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final PlaceOrderService placeOrders;

	private final OrderQueries queries;

	OrderController(PlaceOrderService placeOrders, OrderQueries queries) {
		this.placeOrders = placeOrders;
		this.queries = queries;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<OrderView> place(@RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
			@Valid @RequestBody PlaceOrderRequest request) {
		IdempotencyKeys.check(idempotencyKey);
		PlaceOrderService.Placed placed = this.placeOrders.place(idempotencyKey, request);
		URI location = URI.create("/orders/" + placed.order().orderId());
		return placed.created() ? ResponseEntity.created(location).body(placed.order())
				: ResponseEntity.ok().location(location).body(placed.order());
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	OrderView find(@PathVariable long id) {
		return this.queries.find(id);
	}

}
