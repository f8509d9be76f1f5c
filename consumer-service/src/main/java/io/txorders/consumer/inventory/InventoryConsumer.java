package io.txorders.consumer.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntBiFunction;

import io.txorders.consumer.inventory.StockMapper.StockLevel;
import io.txorders.consumer.inventory.StockMapper.StockLine;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderConfirmed;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.PlannedReply;
import io.txorders.consumer.messaging.PlannedReply.PlanChanged;
import io.txorders.consumer.messaging.TryDecided;
import io.txorders.messaging.consume.EffectRows.EffectState;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Group {@code inventory}, a TCC participant. OrderCreated (Try): reserve stock for every
 * line, or record why not, and publish InventoryReserved or InventoryRejected in the same
 * transaction (half message first). OrderConfirmed (Confirm): the reservation is sold.
 * OrderCancelled (Cancel): release the reservation, or restock what was sold, or remember
 * the cancel if the order has not come.
 */
@Component
public class InventoryConsumer {

	private static final Logger log = LoggerFactory.getLogger(InventoryConsumer.class);

	/**
	 * How often stock may change between the plan and the locked check before we give up.
	 */
	private static final int MAX_PLANS = 3;

	private final StockMapper stock;

	private final ExactlyOnce exactlyOnce;

	private final TopicPublisher replies;

	private final String group;

	InventoryConsumer(StockMapper stock, ExactlyOnce exactlyOnce, TopicPublisher replies, ConsumerSettings settings) {
		this.stock = stock;
		this.exactlyOnce = exactlyOnce;
		this.replies = replies;
		this.group = settings.inventory().name();
	}

	/**
	 * Reserves all lines or none, and replies. The reply's tag must be known before the
	 * local transaction (the half message goes first), so the decision is planned from an
	 * unlocked read and applied only if the locked rows still agree; otherwise everything
	 * rolls back and it is planned again.
	 */
	public Outcome handle(OrderCreated event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		Map<String, Integer> needed = needed(event);
		for (int attempt = 1; attempt <= MAX_PLANS; attempt++) {
			Plan plan = decide(needed, this.stock.levels(needed.keySet()));
			Published<Outcome> published = replyAndApply(event, needed, plan, message);
			if (!PlannedReply.planAgain(published)) {
				if (published.result() == Outcome.REJECTED) {
					log.info("order {} rejected by inventory: {}", orderId, plan.reason());
				}
				return published.result();
			}
			log.info("order {}: plan {} no longer holds; planning again", orderId, attempt);
		}
		throw new IllegalStateException(
				"order " + orderId + ": stock kept changing over " + MAX_PLANS + " plans; the broker will redeliver");
	}

	/** Sells the order's reservation: reserved units become sold ones. */
	public Outcome handle(OrderConfirmed event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		return this.exactlyOnce.confirmOrder(this.group, orderId, message, () -> sell(orderId));
	}

	/**
	 * Releases the order's reservation, or restocks what a confirmed order sold. A cancel
	 * that comes first is remembered: the later OrderCreated is skipped.
	 */
	public Outcome handle(OrderCancelled event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		return this.exactlyOnce.compensateOrder(this.group, orderId, message,
				(EffectState reached) -> undo(orderId, reached));
	}

	/**
	 * Publishes the plan's reply with the plan's rows: both commit, or neither. The
	 * effect row is APPLIED (a rejected order too) in the same transaction.
	 */
	private Published<Outcome> replyAndApply(OrderCreated event, Map<String, Integer> needed, Plan plan,
			IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		TryDecided reply = new TryDecided(event.orderId(), plan.reserved(), plan.reserved() ? null : plan.reason(),
				Instant.now());
		String tag = plan.reserved() ? TryDecided.INVENTORY_RESERVED : TryDecided.INVENTORY_REJECTED;
		return this.replies.publish(tag, reply.orderId(), reply, (txId) -> {
			Outcome outcome = this.exactlyOnce.applyToOrder(this.group, orderId, message,
					plan.reserved() ? Outcome.APPLIED : Outcome.REJECTED, () -> apply(orderId, needed, plan));
			return (outcome == Outcome.APPLIED || outcome == Outcome.REJECTED) ? Decision.commit(outcome)
					: Decision.rollback(outcome);
		});
	}

	/**
	 * Writes the planned decision, or throws {@link PlanChanged} if the stock rows no
	 * longer agree with it. A rejection is checked against the locked rows first. A
	 * reservation moves the stock last, each row with a guarded UPDATE that is both its
	 * lock and its check: the popular SKU's row is held only until the COMMIT.
	 */
	private void apply(long orderId, Map<String, Integer> needed, Plan plan) {
		if (!plan.reserved()) {
			if (!decide(needed, this.stock.lockLevels(needed.keySet())).equals(plan)) {
				throw new PlanChanged("the stock");
			}
			this.stock.insertRejection(orderId, plan.reason());
			return;
		}
		List<StockLine> lines = needed.entrySet()
			.stream()
			.map(entry -> new StockLine(entry.getKey(), entry.getValue()))
			.toList();
		this.stock.insertReservations(orderId, lines);
		for (StockLine line : lines) {
			// In SKU order (needed is sorted), as every other transaction locks them.
			if (this.stock.reserve(line.sku(), line.quantity()) != 1) {
				throw new PlanChanged("the stock");
			}
		}
	}

	// Reservations change only under the order's order_effect lock, held by the callers
	// below; SKUs come in SKU order, as every other transaction locks them.

	private void sell(long orderId) {
		move(orderId, this.stock.reservedLines(orderId), this.stock::sell, "RESERVED", "SOLD", "reserved");
	}

	private void undo(long orderId, EffectState reached) {
		if (reached == EffectState.CONFIRMED) {
			move(orderId, this.stock.soldLines(orderId), this.stock::restock, "SOLD", "RESTOCKED", "sold");
		}
		else {
			move(orderId, this.stock.reservedLines(orderId), this.stock::release, "RESERVED", "RELEASED", "reserved");
		}
	}

	/**
	 * Moves each of the order's lines from {@code from} to {@code to}: the stock row by
	 * its guarded UPDATE ({@code units}, 0 rows if it has fewer {@code kind} units than
	 * the line), then the reservation line.
	 */
	private void move(long orderId, List<StockLine> lines, ToIntBiFunction<String, Integer> units, String from,
			String to, String kind) {
		for (StockLine line : lines) {
			if (units.applyAsInt(line.sku(), line.quantity()) != 1) {
				throw new IllegalStateException("stock of " + line.sku() + " has fewer " + kind + " units than the "
						+ line.quantity() + " of order " + orderId);
			}
			this.stock.markLine(orderId, line.sku(), from, to);
		}
	}

	/**
	 * Same SKU on two lines counts once, with the summed quantity; sorted for lock order.
	 */
	private static Map<String, Integer> needed(OrderCreated event) {
		Map<String, Integer> needed = new TreeMap<>();
		event.items().forEach(line -> needed.merge(line.sku(), line.quantity(), Integer::sum));
		return needed;
	}

	static Plan decide(Map<String, Integer> needed, List<StockLevel> levels) {
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
		return new Plan(shortages.isEmpty(), shortages);
	}

	/** Reserve everything, or reject naming the short SKUs. */
	record Plan(boolean reserved, List<String> shortages) {

		/** Characters of inventory_rejection.reason, VARCHAR(255). */
		static final int MAX_REASON = 255;

		/**
		 * Cut to the 255 characters inventory_rejection.reason holds, counted as the
		 * column counts them (code points), so a character outside the BMP in a SKU is
		 * never cut in half (the driver wrote the lone half as '?').
		 */
		String reason() {
			String reason = "insufficient stock: " + String.join(", ", this.shortages);
			return (reason.codePointCount(0, reason.length()) > MAX_REASON)
					? reason.substring(0, reason.offsetByCodePoints(0, MAX_REASON)) : reason;
		}

	}

}
