package io.txorders.consumer.points;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import io.txorders.consumer.messaging.ConsumerGroups;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.DuplicateMessageDetector;
import io.txorders.consumer.messaging.EventHandler;
import io.txorders.consumer.messaging.IncomingMessage;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.Outcome;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group {@code points}: one loyalty point per whole currency unit of the order total,
 * credited once per order in one local transaction with the dedupe row.
 */
@Component
public class PointsConsumer {

	private final PointsLedgerMapper ledger;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final ConsumerGroups groups;

	private final ConsumerSettings settings;

	PointsConsumer(PointsLedgerMapper ledger, DuplicateMessageDetector dedupe, TransactionTemplate transactions,
			ConsumerGroups groups, ConsumerSettings settings) {
		this.ledger = ledger;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.groups = groups;
		this.settings = settings;
	}

	@EventListener(ApplicationReadyEvent.class)
	void subscribe() {
		this.groups.start(this.settings.points(), this.settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, this::handle)));
	}

	public Outcome handle(OrderCreated event, IncomingMessage message) {
		String group = this.settings.points().name();
		return this.transactions.execute(status -> {
			if (!this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
				return Outcome.DUPLICATE;
			}
			this.ledger.credit(event.orderIdAsLong(), event.userId(), pointsFor(event.total()));
			return Outcome.APPLIED;
		});
	}

	/** One point per whole currency unit. */
	static int pointsFor(BigDecimal total) {
		return total.setScale(0, RoundingMode.DOWN).intValueExact();
	}

}
