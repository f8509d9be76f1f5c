package io.txorders.producer.order;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.txorders.producer.catalog.Catalog;
import io.txorders.checkback.TransactionIds;
import io.txorders.producer.order.OrderProblems.FieldProblem;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Service;

/**
 * Places an order: the OrderCreated half message first, then the local transaction inside
 * the transaction listener, then COMMIT or ROLLBACK. The caller hears back only after the
 * local transaction's outcome is known.
 */
@Service
public class PlaceOrderService {

	private static final Logger log = LoggerFactory.getLogger(PlaceOrderService.class);

	private final RocketMQTemplate rocketMQTemplate;

	private final OrderSettings settings;

	private final OrderMapper orders;

	private final Catalog catalog;

	private final OrderQueries queries;

	private final JsonMapper json;

	private final OrderMetrics metrics;

	private final LocalTransactionProbe probe;

	public PlaceOrderService(RocketMQTemplate rocketMQTemplate, OrderSettings settings, OrderMapper orders,
			Catalog catalog, OrderQueries queries, JsonMapper json, OrderMetrics metrics,
			ObjectProvider<LocalTransactionProbe> probe) {
		this.metrics = metrics;
		this.rocketMQTemplate = rocketMQTemplate;
		this.settings = settings;
		this.orders = orders;
		this.catalog = catalog;
		this.queries = queries;
		this.json = json;
		this.probe = probe.getIfAvailable(() -> LocalTransactionProbe.NONE);
	}

	/**
	 * The order placed, or the one this Idempotency-Key placed before ({@code created}
	 * false).
	 */
	public record Placed(OrderView order, boolean created) {
	}

	public Placed place(String idempotencyKey, PlaceOrderRequest request) {
		String requestHash = fingerprint(request);
		Order existing = this.orders.findByIdempotencyKey(request.userId(), idempotencyKey);
		if (existing != null) {
			return replay(existing, idempotencyKey, requestHash);
		}
		checkCatalog(request);

		long orderId = OrderIds.next();
		BigDecimal total = request.items()
			.stream()
			.map(line -> line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())))
			.reduce(BigDecimal.ZERO, BigDecimal::add);
		Order order = Order.place(orderId, UUID.randomUUID().toString(), request.userId(), idempotencyKey, requestHash,
				total, Instant.now());
		List<OrderItem> items = new ArrayList<>();
		for (int i = 0; i < request.items().size(); i++) {
			PlaceOrderRequest.Line line = request.items().get(i);
			items.add(OrderItem.of(orderId, i + 1, line.sku(), line.quantity(), line.unitPrice()));
		}
		PlaceOrderAttempt attempt = new PlaceOrderAttempt(order, items);

		TransactionSendResult sent = send(attempt);
		if (attempt.outcome() == PlaceOrderAttempt.Outcome.PLACED) {
			this.probe.afterBrokerAnswered(attempt.txId());
		}
		PlaceOrderAttempt.Outcome outcome = attempt.outcome();
		if (outcome == null) {
			// The broker did not store the half message, so the local transaction never
			// ran.
			throw new OrderProblems.NotPlaced("the message broker did not accept the order event ("
					+ sent.getSendStatus() + "); nothing was written, retry with the same Idempotency-Key", null);
		}
		return switch (outcome) {
			// What the local transaction just wrote: no need to read it back.
			case PLACED -> new Placed(OrderView.of(order, items, List.of(attempt.placedEntry())), true);
			case IDEMPOTENT_REPLAY ->
				replay(this.orders.findByIdempotencyKey(request.userId(), idempotencyKey), idempotencyKey, requestHash);
			case REJECTED_BY_CHECKBACK -> throw new OrderProblems.NotPlaced(
					"the order took too long and the broker rolled it back; nothing was written, retry with the same Idempotency-Key",
					null);
			case FAILED -> afterFailure(attempt, sent);
		};
	}

	private TransactionSendResult send(PlaceOrderAttempt attempt) {
		Order order = attempt.order();
		byte[] body = this.json.writeValueAsBytes(OrderCreated.of(order, attempt.items()));
		var message = MessageBuilder.withPayload(body)
			.setHeader(RocketMQHeaders.KEYS, order.getId().toString())
			.setHeader(TransactionIds.PROPERTY, order.getTxId())
			.build();
		var sample = this.metrics.startSend();
		try {
			TransactionSendResult sent = this.rocketMQTemplate
				.sendMessageInTransaction(this.settings.topic() + ":" + OrderCreated.TAG, message, attempt);
			this.metrics.sent(sample, "place", true);
			return sent;
		}
		catch (MessagingException ex) {
			this.metrics.sent(sample, "place", false);
			if (attempt.outcome() != null) {
				// The local transaction ran; only the end-transaction call failed. The
				// check-back settles it.
				log.warn("order {}: end of transaction not confirmed by the broker: {}", order.getId(), ex.toString());
				return null;
			}
			throw new OrderProblems.NotPlaced(
					"the message broker is unavailable; nothing was written, retry with the same Idempotency-Key", ex);
		}
	}

	private Placed afterFailure(PlaceOrderAttempt attempt, TransactionSendResult sent) {
		long orderId = attempt.order().getId();
		boolean uncertain = sent == null || sent.getLocalTransactionState() == LocalTransactionState.UNKNOW;
		if (!uncertain) {
			if (attempt.failure() instanceof DataIntegrityViolationException) {
				// Input that passed validation but the schema refused: retrying will not
				// help.
				throw new OrderProblems.StoreFailed("the order could not be stored: " + rootMessage(attempt.failure()),
						attempt.failure());
			}
			throw new OrderProblems.NotPlaced("the order database failed (" + rootMessage(attempt.failure())
					+ "); nothing was written, retry with the same Idempotency-Key", attempt.failure());
		}
		// The commit may have happened before the connection broke: the database knows.
		try {
			if (this.orders.selectById(orderId) != null) {
				return new Placed(this.queries.find(orderId), true);
			}
		}
		catch (RuntimeException ex) {
			log.warn("order {}: cannot read back after an uncertain commit: {}", orderId, ex.toString());
		}
		throw new OrderProblems.NotPlaced(
				"the order database did not confirm the order; retry with the same Idempotency-Key to learn the outcome",
				attempt.failure());
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
		// Each string is length-prefixed, so no shifting of characters between fields
		// collides.
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
