package io.txorders.consumer.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.txorders.consumer.inventory.StockMapper.StockLevel;
import io.txorders.consumer.inventory.StockMapper.StockLine;
import io.txorders.consumer.messaging.ConsumerGroups;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.DuplicateMessageDetector;
import io.txorders.consumer.messaging.EventHandler;
import io.txorders.consumer.messaging.IncomingMessage;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group {@code inventory}: reserves stock for every line of an order, or records why it
 * could not; all or nothing, in one local transaction with the dedupe row.
 */
@Component
public class InventoryConsumer {

	private static final Logger log = LoggerFactory.getLogger(InventoryConsumer.class);

	private final StockMapper stock;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final ConsumerGroups groups;

	private final ConsumerSettings settings;

	InventoryConsumer(StockMapper stock, DuplicateMessageDetector dedupe, TransactionTemplate transactions,
			ConsumerGroups groups, ConsumerSettings settings) {
		this.stock = stock;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.groups = groups;
		this.settings = settings;
	}

	@EventListener(ApplicationReadyEvent.class)
	void subscribe() {
		this.groups.start(this.settings.inventory(), this.settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, this::handle)));
	}

	/** Reserves all lines of the order, or none and records the rejection. */
	public Outcome handle(OrderCreated event, IncomingMessage message) {
		String group = this.settings.inventory().name();
		long orderId = event.orderIdAsLong();
		// Same SKU on two lines counts once, with the summed quantity.
		Map<String, Integer> needed = new TreeMap<>();
		event.items().forEach(line -> needed.merge(line.sku(), line.quantity(), Integer::sum));
		return this.transactions.execute(status -> {
			Map<String, Integer> available = this.stock.lockLevels(needed.keySet())
				.stream()
				.collect(Collectors.toMap(StockLevel::sku, StockLevel::available, (a, b) -> a, TreeMap::new));
			List<String> shortages = new ArrayList<>();
			needed.forEach((sku, quantity) -> {
				Integer units = available.get(sku);
				if (units == null || units < quantity) {
					shortages.add(
							sku + " (needs " + quantity + ", has " + (units == null ? "no stock record" : units) + ")");
				}
			});
			Outcome outcome = shortages.isEmpty() ? Outcome.APPLIED : Outcome.REJECTED;
			if (!this.dedupe.firstDelivery(message, group, outcome)) {
				return Outcome.DUPLICATE;
			}
			if (outcome == Outcome.REJECTED) {
				String reason = "insufficient stock: " + String.join(", ", shortages);
				this.stock.insertRejection(orderId, reason.length() > 255 ? reason.substring(0, 255) : reason);
				log.info("order {} rejected by inventory: {}", orderId, reason);
				return outcome;
			}
			List<StockLine> lines = needed.entrySet()
				.stream()
				.map(entry -> new StockLine(entry.getKey(), entry.getValue()))
				.toList();
			for (StockLine line : lines) {
				if (this.stock.reserve(line.sku(), line.quantity()) != 1) {
					// Cannot happen under the row locks taken above; refuse rather than
					// go negative.
					throw new IllegalStateException("stock of " + line.sku() + " changed under its row lock");
				}
			}
			this.stock.insertReservations(orderId, lines);
			return outcome;
		});
	}

}
