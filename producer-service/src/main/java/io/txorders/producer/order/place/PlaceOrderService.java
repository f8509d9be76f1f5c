package io.txorders.producer.order.place;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.producer.catalog.Catalog;
import io.txorders.producer.catalog.CatalogItem;
import io.txorders.producer.order.OrderProblems;
import io.txorders.producer.order.OrderProblems.FieldProblem;
import io.txorders.producer.order.OrderProblems.PriceDifference;
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

	/**
	 * Places the signed-in {@code customer}'s order; a {@code userId} in the request must
	 * be that customer.
	 */
	public Placed place(String customer, String idempotencyKey, PlaceOrderRequest request) {
		if (request.userId() != null && !request.userId().equals(customer)) {
			throw new OrderProblems.NotTheSignedInCustomer("userId", request.userId());
		}
		String requestHash = fingerprint(customer, request);
		Order existing = this.store.findByIdempotencyKey(customer, idempotencyKey);
		if (existing != null) {
			return replay(existing, idempotencyKey, requestHash);
		}
		Priced priced = price(request);

		long orderId = OrderIds.next();
		Order order = Order.place(orderId, null, customer, idempotencyKey, requestHash, priced.total(),
				priced.currency(), Instant.now());
		List<OrderItem> items = new ArrayList<>();
		for (int i = 0; i < request.items().size(); i++) {
			PlaceOrderRequest.Line line = request.items().get(i);
			items.add(new OrderItem(orderId, i + 1, line.sku(), line.quantity(), priced.unitPrices().get(i)));
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
			case ROLLED_BACK -> afterRollback(published.failure(), customer, idempotencyKey, requestHash);
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

	/** The request at the catalog's prices: one unit price per line, the total. */
	record Priced(List<BigDecimal> unitPrices, BigDecimal total, String currency) {
	}

	/**
	 * Prices every line from the catalog and checks the order against it and against
	 * {@link OrderLimits}: an unknown SKU, a SKU twice, mixed currencies or a limit
	 * exceeded is 400 (all named at once); a {@code unitPrice} that is not the catalog's
	 * is 409.
	 */
	Priced price(PlaceOrderRequest request) {
		List<PlaceOrderRequest.Line> lines = request.items();
		List<FieldProblem> problems = new ArrayList<>();
		Map<String, Integer> firstLine = new HashMap<>();
		for (int i = 0; i < lines.size(); i++) {
			Integer earlier = firstLine.putIfAbsent(lines.get(i).sku(), i);
			if (earlier != null) {
				problems.add(new FieldProblem("items[" + i + "].sku",
						"SKU '" + lines.get(i).sku() + "' already appears in items[" + earlier + "]"));
			}
		}
		Map<String, CatalogItem> known = this.catalog.orderable(firstLine.keySet());
		List<BigDecimal> unitPrices = new ArrayList<>();
		List<PriceDifference> differences = new ArrayList<>();
		Set<String> currencies = new TreeSet<>();
		BigDecimal total = BigDecimal.ZERO;
		for (int i = 0; i < lines.size(); i++) {
			PlaceOrderRequest.Line line = lines.get(i);
			CatalogItem item = known.get(line.sku());
			if (item == null) {
				problems.add(new FieldProblem("items[" + i + "].sku", "unknown SKU '" + line.sku() + "'"));
				unitPrices.add(null);
				continue;
			}
			unitPrices.add(item.price());
			currencies.add(item.currency());
			if (line.unitPrice() != null && line.unitPrice().compareTo(item.price()) != 0) {
				differences.add(new PriceDifference("items[" + i + "].unitPrice", item.sku(), line.unitPrice(),
						item.price(), item.currency()));
			}
			BigDecimal lineTotal = item.price().multiply(BigDecimal.valueOf(line.quantity()));
			if (lineTotal.compareTo(OrderLimits.MAX_LINE_TOTAL) > 0) {
				problems.add(new FieldProblem("items[" + i + "].quantity",
						"line total " + lineTotal.toPlainString() + " " + item.currency() + " exceeds the limit of "
								+ OrderLimits.MAX_LINE_TOTAL.toPlainString() + " per line"));
			}
			total = total.add(lineTotal);
		}
		if (currencies.size() > 1) {
			problems.add(new FieldProblem("items",
					"the items are priced in different currencies " + currencies + "; place one order per currency"));
		}
		if (total.compareTo(OrderLimits.MAX_ORDER_TOTAL) > 0) {
			problems.add(new FieldProblem("items", "order total " + total.toPlainString() + " exceeds the limit of "
					+ OrderLimits.MAX_ORDER_TOTAL.toPlainString() + " per order"));
		}
		if (!problems.isEmpty()) {
			throw new OrderProblems.InvalidOrder(problems);
		}
		if (!differences.isEmpty()) {
			throw new OrderProblems.PriceChanged(differences);
		}
		return new Priced(unitPrices, total.setScale(2), currencies.iterator().next());
	}

	/**
	 * SHA-256 of the request's meaning: the same order written differently hashes the
	 * same.
	 */
	static String fingerprint(String customer, PlaceOrderRequest request) {
		// Each string is length-prefixed, so no shifting of characters between
		// fields collides.
		Hasher hasher = Hashing.sha256().newHasher();
		putString(hasher, customer);
		hasher.putInt(request.items().size());
		for (PlaceOrderRequest.Line line : request.items()) {
			putString(hasher, line.sku());
			hasher.putInt(line.quantity());
			// The price the customer saw, or none: "" cannot be a price, so it collides
			// with no price sent.
			putString(hasher, (line.unitPrice() != null) ? line.unitPrice().stripTrailingZeros().toPlainString() : "");
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
