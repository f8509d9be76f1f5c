package io.txorders.consumer.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.txorders.checkback.TransactionAlreadyResolvedException;
import io.txorders.checkback.TransactionBarrier;
import io.txorders.consumer.inventory.StockMapper.StockLevel;
import io.txorders.consumer.inventory.StockMapper.StockLine;
import io.txorders.consumer.messaging.Compensations;
import io.txorders.consumer.messaging.ConsumerGroups;
import io.txorders.consumer.messaging.ConsumerProbe;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.DuplicateMessageDetector;
import io.txorders.consumer.messaging.EventHandler;
import io.txorders.consumer.messaging.IncomingMessage;
import io.txorders.consumer.messaging.InventoryDecided;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.OrderEffects;
import io.txorders.consumer.messaging.OrderEffects.EffectState;
import io.txorders.consumer.messaging.Outcome;
import io.txorders.consumer.messaging.TransactionalReplies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group {@code inventory}. OrderCreated: reserve stock for every line, or record why not,
 * and publish InventoryReserved or InventoryRejected in the same transaction (half
 * message first). OrderCancelled: release the reservation, or remember the cancel if the
 * order has not come.
 */
@Component
public class InventoryConsumer {

	private static final Logger log = LoggerFactory.getLogger(InventoryConsumer.class);

	/**
	 * How often stock may change between the plan and the locked check before we give up.
	 */
	private static final int MAX_PLANS = 3;

	private final StockMapper stock;

	private final OrderEffects effects;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final TransactionBarrier barrier;

	private final TransactionalReplies replies;

	private final JsonMapper json;

	private final Compensations compensations;

	private final ConsumerGroups groups;

	private final ConsumerSettings settings;

	private final ConsumerProbe probe;

	InventoryConsumer(StockMapper stock, OrderEffects effects, DuplicateMessageDetector dedupe,
			TransactionTemplate transactions, TransactionBarrier barrier, TransactionalReplies replies, JsonMapper json,
			Compensations compensations, ConsumerGroups groups, ConsumerSettings settings,
			ObjectProvider<ConsumerProbe> probe) {
		this.stock = stock;
		this.effects = effects;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.barrier = barrier;
		this.replies = replies;
		this.json = json;
		this.compensations = compensations;
		this.groups = groups;
		this.settings = settings;
		this.probe = probe.getIfAvailable(() -> ConsumerProbe.NONE);
	}

	@EventListener(ApplicationReadyEvent.class)
	void subscribe() {
		this.groups.start(this.settings.inventory(), this.settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, this::reserve), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, this::release)));
	}

	/**
	 * Reserves all lines or none, and replies. The reply's tag must be known before the
	 * local transaction (the half message goes first), so the decision is planned from an
	 * unlocked read and applied only if the locked rows still agree; otherwise everything
	 * rolls back and it is planned again.
	 */
	public Outcome reserve(OrderCreated event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		Map<String, Integer> needed = needed(event);
		for (int plan = 1; plan <= MAX_PLANS; plan++) {
			Decision planned = decide(needed, this.stock.levels(needed.keySet()));
			InventoryDecided reply = new InventoryDecided(event.orderId(), planned.reserved(),
					planned.reserved() ? null : planned.reason(), Instant.now());
			Outcome outcome = this.replies.publish(this.settings.replyTopic(), reply.tag(), event.orderId(),
					this.json.writeValueAsBytes(reply),
					(txId) -> reserveUnder(txId, orderId, needed, planned, message));
			if (outcome == null) {
				log.info("order {}: plan {} no longer holds; planning again", orderId, plan);
				continue;
			}
			if (outcome == Outcome.REJECTED) {
				log.info("order {} rejected by inventory: {}", orderId, planned.reason());
			}
			return outcome;
		}
		throw new IllegalStateException(
				"order " + orderId + ": stock kept changing over " + MAX_PLANS + " plans; the broker will redeliver");
	}

	/**
	 * The local transaction of one plan, run between the reply's half message and its
	 * end. Its result is null when the plan must be made again (the reply is rolled
	 * back).
	 */
	private TransactionalReplies.Decided<Outcome> reserveUnder(String txId, long orderId, Map<String, Integer> needed,
			Decision planned, IncomingMessage message) {
		String group = this.settings.inventory().name();
		AtomicBoolean bodyDone = new AtomicBoolean();
		Outcome outcome;
		try {
			outcome = this.transactions.execute(status -> {
				this.barrier.enter(txId);
				// The row is APPLIED from here (a rejected order too); a rollback undoes
				// it.
				EffectState state = OrderEffects.lock(this.effects, group, orderId, EffectState.APPLIED);
				if (state != EffectState.NEW) {
					status.setRollbackOnly();
					return (state == EffectState.APPLIED) ? Outcome.DUPLICATE : Outcome.SKIPPED;
				}
				Outcome decided = planned.reserved() ? Outcome.APPLIED : Outcome.REJECTED;
				if (!planned.reserved() && !decide(needed, this.stock.lockLevels(needed.keySet())).equals(planned)) {
					status.setRollbackOnly();
					return null;
				}
				if (!this.dedupe.firstDelivery(message, group, decided)) {
					status.setRollbackOnly();
					return Outcome.DUPLICATE;
				}
				if (!apply(orderId, needed, planned)) {
					status.setRollbackOnly();
					return null;
				}
				bodyDone.set(true);
				return decided;
			});
		}
		catch (TransactionAlreadyResolvedException ex) {
			// A check-back rolled the reply back while this was slow: plan again, new
			// reply.
			log.warn("order {}: reply {} rolled back by a check-back", orderId, txId);
			return TransactionalReplies.Decided.rollback(null);
		}
		catch (RuntimeException ex) {
			// After the body, only the COMMIT itself can have failed: the check-back
			// learns what happened.
			throw bodyDone.get() ? new TransactionalReplies.CommitUnknown(ex) : ex;
		}
		if (outcome == Outcome.APPLIED || outcome == Outcome.REJECTED) {
			try {
				this.probe.beforeReplyCommit(group, message);
			}
			catch (RuntimeException ex) {
				throw new TransactionalReplies.CommitUnknown(ex);
			}
			return TransactionalReplies.Decided.commit(outcome);
		}
		return TransactionalReplies.Decided.rollback(outcome);
	}

	/**
	 * Releases the order's reservation. A cancel that comes first is remembered: the
	 * later OrderCreated is skipped.
	 */
	public Outcome release(OrderCancelled event, IncomingMessage message) {
		String group = this.settings.inventory().name();
		long orderId = event.orderIdAsLong();
		return this.transactions.execute(status -> this.compensations.compensate(group, orderId, message, () -> {
			// Reservation rows of this order change only under the order_effect lock held
			// here.
			for (StockLine line : this.stock.reservedLines(orderId)) {
				if (this.stock.release(line.sku(), line.quantity()) != 1) {
					throw new IllegalStateException(
							"stock of " + line.sku() + " has fewer reserved units than order " + orderId + " holds");
				}
				this.stock.markReleased(orderId, line.sku());
			}
		}));
	}

	/**
	 * Writes the planned decision. A reservation moves the stock last, each row with a
	 * guarded UPDATE that is both its lock and its check, so the popular SKU's row is
	 * locked only from that UPDATE to the COMMIT. False if a row no longer has the units
	 * the plan counted on: the caller rolls back and plans again.
	 */
	private boolean apply(long orderId, Map<String, Integer> needed, Decision decision) {
		if (!decision.reserved()) {
			this.stock.insertRejection(orderId, decision.reason());
			return true;
		}
		List<StockLine> lines = needed.entrySet()
			.stream()
			.map(entry -> new StockLine(entry.getKey(), entry.getValue()))
			.toList();
		this.stock.insertReservations(orderId, lines);
		for (StockLine line : lines) {
			// In SKU order (needed is sorted), as every other transaction locks them.
			if (this.stock.reserve(line.sku(), line.quantity()) != 1) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Same SKU on two lines counts once, with the summed quantity; sorted for lock order.
	 */
	private static Map<String, Integer> needed(OrderCreated event) {
		Map<String, Integer> needed = new TreeMap<>();
		event.items().forEach(line -> needed.merge(line.sku(), line.quantity(), Integer::sum));
		return needed;
	}

	static Decision decide(Map<String, Integer> needed, List<StockLevel> levels) {
		Map<String, Integer> available = new TreeMap<>();
		levels.forEach(level -> available.put(level.sku(), level.available()));
		List<String> shortages = new ArrayList<>();
		needed.forEach((sku, quantity) -> {
			Integer units = available.get(sku);
			if (units == null) {
				shortages.add(sku + " (needs " + quantity + ", not stocked)");
			}
			else if (units < quantity) {
				shortages.add(sku + " (needs " + quantity + ")");
			}
		});
		return new Decision(shortages.isEmpty(), shortages);
	}

	/** Reserve everything, or reject naming the short SKUs. */
	record Decision(boolean reserved, List<String> shortages) {

		String reason() {
			String reason = "insufficient stock: " + String.join(", ", this.shortages);
			return (reason.length() > 255) ? reason.substring(0, 255) : reason;
		}

	}

}
