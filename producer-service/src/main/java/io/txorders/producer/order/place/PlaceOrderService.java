package io.txorders.producer.order.place;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.producer.catalog.Catalog;
import io.txorders.producer.order.OrderProblems;
import io.txorders.producer.order.OrderProblems.FieldProblem;
import io.txorders.producer.order.OrderView;
import io.txorders.producer.order.query.OrderQueries;
import io.txorders.producer.order.store.Order;
import io.txorders.producer.order.store.OrderHistory;
import io.txorders.producer.order.store.OrderIds;
import io.txorders.producer.order.store.OrderItem;
import io.txorders.producer.order.store.OrderStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Places an order: the OrderCreated half message first, then the local transaction that
 * writes the order, then COMMIT or ROLLBACK (the kit's {@link TransactionalPublisher}).
 * The caller hears back only after the local transaction's outcome is known.
 */
@Service
public class PlaceOrderService {

	private static final Logger log = LoggerFactory.getLogger(PlaceOrderService.class);

	private static final String RETRY = "retry with the same Idempotency-Key";

	private final TopicPublisher events;

	private final OrderStore store;

	private final Catalog catalog;

	private final OrderQueries queries;

	PlaceOrderService(TopicPublisher events, OrderStore store, Catalog catalog, OrderQueries queries) {
		this.events = events;
		this.store = store;
		this.catalog = catalog;
		this.queries = queries;
	}

	/**
	 * The order placed, or the one this Idempotency-Key placed before ({@code created}
	 * false).
	 */
	public record Placed(OrderView order, boolean created) {
	}

	public Placed place(String idempotencyKey, PlaceOrderRequest request) {
		String requestHash = fingerprint(request);
		Order existing = this.store.findByIdempotencyKey(request.userId(), idempotencyKey);
		if (existing != null) {
			return replay(existing, idempotencyKey, requestHash);
		}
		checkCatalog(request);

		long orderId = OrderIds.next();
		BigDecimal total = request.items()
			.stream()
			.map(line -> line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())))
			.reduce(BigDecimal.ZERO, BigDecimal::add);
		Order order = Order.place(orderId, null, request.userId(), idempotencyKey, requestHash, total, Instant.now());
		List<OrderItem> items = new ArrayList<>();
		for (int i = 0; i < request.items().size(); i++) {
			PlaceOrderRequest.Line line = request.items().get(i);
			items.add(new OrderItem(orderId, i + 1, line.sku(), line.quantity(), line.unitPrice()));
		}
		Published<OrderView> published;
		try {
			published = this.events.publish(OrderCreated.TAG, String.valueOf(orderId), OrderCreated.of(order, items),
					(txId) -> Decision.commit(write(txId, order, items)));
		}
		catch (TransactionalPublisher.NotPublished ex) {
			throw new OrderProblems.NothingChanged("the message broker is unavailable; nothing was written, " + RETRY,
					ex);
		}
		return switch (published.status()) {
			case COMMITTED -> new Placed(published.result(), true);
			case REFUSED_BY_CHECKBACK -> throw new OrderProblems.NothingChanged(
					"the order took too long and the broker rolled it back; nothing was written, " + RETRY, null);
			case ROLLED_BACK -> afterRollback(published.failure(), request.userId(), idempotencyKey, requestHash);
			case UNKNOWN -> readBack(orderId, published.failure());
		};
	}

	/**
	 * The local transaction: the order, its items and its first history entry (the kit
	 * has already written the barrier's row).
	 */
	private OrderView write(String txId, Order order, List<OrderItem> items) {
		order.setTxId(txId);
		OrderHistory placed = this.store.insertNew(order, items);
		return OrderView.of(order, items, List.of(placed));
	}

	private Placed afterRollback(RuntimeException failure, String userId, String idempotencyKey, String requestHash) {
		if (failure instanceof DuplicateKeyException) {
			// Same user and Idempotency-Key as an order placed meanwhile (the race the
			// lookup before the send misses).
			return replay(this.store.findByIdempotencyKey(userId, idempotencyKey), idempotencyKey, requestHash);
		}
		if (failure instanceof DataIntegrityViolationException) {
			// Input that passed validation but the schema refused: retrying will
			// not help.
			throw new OrderProblems.StoreFailed("the order could not be stored: " + rootMessage(failure), failure);
		}
		throw new OrderProblems.NothingChanged(
				"the order database failed (" + rootMessage(failure) + "); nothing was written, " + RETRY, failure);
	}

	/** The COMMIT may have happened before the connection broke: the database knows. */
	private Placed readBack(long orderId, RuntimeException failure) {
		try {
			if (this.store.find(orderId) != null) {
				return new Placed(this.queries.find(orderId), true);
			}
		}
		catch (RuntimeException ex) {
			log.warn("order {}: cannot read back after an uncertain commit: {}", orderId, ex.toString());
		}
		throw new OrderProblems.NothingChanged(
				"the order database did not confirm the order; " + RETRY + " to learn the outcome", failure);
	}

	private Placed replay(Order existing, String idempotencyKey, String requestHash) {
		if (!existing.getRequestHash().equals(requestHash)) {
			throw new OrderProblems.IdempotencyKeyReused(idempotencyKey, existing.getId());
		}
		return new Placed(this.queries.find(existing.getId()), false);
	}

	private void checkCatalog(PlaceOrderRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		Map<String, Integer> firstLine = new HashMap<>();
		for (int i = 0; i < request.items().size(); i++) {
			Integer earlier = firstLine.putIfAbsent(request.items().get(i).sku(), i);
			if (earlier != null) {
				problems.add(new FieldProblem("items[" + i + "].sku",
						"SKU '" + request.items().get(i).sku() + "' already appears in items[" + earlier + "]"));
			}
		}
		Set<String> known = this.catalog.orderable(firstLine.keySet());
		for (int i = 0; i < request.items().size(); i++) {
			String sku = request.items().get(i).sku();
			if (!known.contains(sku)) {
				problems.add(new FieldProblem("items[" + i + "].sku", "unknown SKU '" + sku + "'"));
			}
		}
		if (!problems.isEmpty()) {
			throw new OrderProblems.InvalidOrder(problems);
		}
	}

	/**
	 * SHA-256 of the request's meaning: the same order written differently hashes the
	 * same.
	 */
	static String fingerprint(PlaceOrderRequest request) {
		// Each string is length-prefixed, so no shifting of characters between
		// fields collides.
		Hasher hasher = Hashing.sha256().newHasher();
		putString(hasher, request.userId());
		hasher.putInt(request.items().size());
		for (PlaceOrderRequest.Line line : request.items()) {
			putString(hasher, line.sku());
			hasher.putInt(line.quantity());
			putString(hasher, line.unitPrice().stripTrailingZeros().toPlainString());
		}
		return hasher.hash().toString();
	}

	private static void putString(Hasher hasher, String value) {
		hasher.putInt(value.length()).putString(value, StandardCharsets.UTF_8);
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getMessage();
	}

}
