package io.txorders.consumer.points;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import io.txorders.consumer.messaging.Compensations;
import io.txorders.consumer.messaging.ConsumerGroups;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.DuplicateMessageDetector;
import io.txorders.consumer.messaging.EventHandler;
import io.txorders.consumer.messaging.IncomingMessage;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.OrderEffects;
import io.txorders.consumer.messaging.OrderEffects.EffectState;
import io.txorders.consumer.messaging.Outcome;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group {@code points}: one loyalty point per whole currency unit of the order total,
 * credited once per order; debited again when the order is cancelled. Each in one local
 * transaction with the dedupe row.
 */
@Component
public class PointsConsumer {

	private final PointsLedgerMapper ledger;

	private final OrderEffects effects;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final Compensations compensations;

	private final ConsumerGroups groups;

	private final ConsumerSettings settings;

	PointsConsumer(PointsLedgerMapper ledger, OrderEffects effects, DuplicateMessageDetector dedupe,
			TransactionTemplate transactions, Compensations compensations, ConsumerGroups groups,
			ConsumerSettings settings) {
		this.ledger = ledger;
		this.effects = effects;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.compensations = compensations;
		this.groups = groups;
		this.settings = settings;
	}

	@EventListener(ApplicationReadyEvent.class)
	void subscribe() {
		this.groups.start(this.settings.points(), this.settings.orderTopic(),
				Map.of(OrderCreated.TAG, EventHandler.of(OrderCreated.class, this::credit), OrderCancelled.TAG,
						EventHandler.of(OrderCancelled.class, this::debit)));
	}

	public Outcome credit(OrderCreated event, IncomingMessage message) {
		String group = this.settings.points().name();
		long orderId = event.orderIdAsLong();
		return this.transactions.execute(status -> {
			EffectState state = OrderEffects.lock(this.effects, group, orderId, EffectState.APPLIED);
			if (state == EffectState.CANCELLED || state == EffectState.COMPENSATED) {
				// The cancel came first: nothing to credit, and nothing to write.
				status.setRollbackOnly();
				return Outcome.SKIPPED;
			}
			if (state == EffectState.APPLIED || !this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
				// Nothing to write: the row, if this created it, goes with the rollback.
				status.setRollbackOnly();
				return Outcome.DUPLICATE;
			}
			// The row is APPLIED already (lock): the credit completes it.
			this.ledger.credit(orderId, event.userId(), pointsFor(event.total()));
			return Outcome.APPLIED;
		});
	}

	public Outcome debit(OrderCancelled event, IncomingMessage message) {
		String group = this.settings.points().name();
		long orderId = event.orderIdAsLong();
		return this.transactions.execute(
				status -> this.compensations.compensate(group, orderId, message, () -> this.ledger.debit(orderId)));
	}

	/** One point per whole currency unit. */
	static int pointsFor(BigDecimal total) {
		return total.setScale(0, RoundingMode.DOWN).intValueExact();
	}

}
