package io.txorders.consumer.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.consumer.messaging.OrderEffects.EffectState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How every group handles OrderCancelled, inside the caller's local transaction: the
 * order's {@code order_effect} row is locked first; an effect in place is undone once; a
 * cancel that comes before the effect is remembered, so the later OrderCreated is
 * skipped.
 */
@Component
public class Compensations {

	private static final Logger log = LoggerFactory.getLogger(Compensations.class);

	/** Counter, tags group and kind (undone, before-effect). */
	public static final String COUNTER = "txorders.compensations";

	private final OrderEffects effects;

	private final DuplicateMessageDetector dedupe;

	private final MeterRegistry meters;

	Compensations(OrderEffects effects, DuplicateMessageDetector dedupe, MeterRegistry meters) {
		this.effects = effects;
		this.dedupe = dedupe;
		this.meters = meters;
	}

	/**
	 * @param undo undoes the group's effect; runs only when the effect is in place
	 */
	public Outcome compensate(String group, long orderId, IncomingMessage message, Runnable undo) {
		EffectState state = OrderEffects.lock(this.effects, group, orderId, EffectState.NEW);
		if (state == EffectState.CANCELLED || state == EffectState.COMPENSATED
				|| !this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
			return Outcome.DUPLICATE;
		}
		if (state == EffectState.NEW) {
			this.effects.moveTo(group, orderId, EffectState.CANCELLED.name());
			log.info("group {}: order {} cancelled before its OrderCreated arrived; it will be skipped", group,
					orderId);
			countAfterCommit(group, "before-effect");
			return Outcome.APPLIED;
		}
		undo.run();
		this.effects.moveTo(group, orderId, EffectState.COMPENSATED.name());
		countAfterCommit(group, "undone");
		return Outcome.APPLIED;
	}

	/**
	 * {@code txorders.compensations{group,kind}}, counted only once the caller's local
	 * transaction commits: a rolled-back attempt is retried and must not count twice.
	 */
	private void countAfterCommit(String group, String kind) {
		Counter counter = this.meters.counter(COUNTER, "group", group, "kind", kind);
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			counter.increment();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				counter.increment();
			}
		});
	}

}
