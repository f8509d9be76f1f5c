package io.txorders.consumer.messaging;

import io.txorders.consumer.messaging.OrderEffects.EffectState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * How every group handles OrderCancelled, inside the caller's local transaction: the
 * order's {@code order_effect} row is locked first; an effect in place is undone once; a
 * cancel that comes before the effect is remembered, so the later OrderCreated is
 * skipped.
 */
@Component
public class Compensations {

	private static final Logger log = LoggerFactory.getLogger(Compensations.class);

	private final OrderEffects effects;

	private final DuplicateMessageDetector dedupe;

	Compensations(OrderEffects effects, DuplicateMessageDetector dedupe) {
		this.effects = effects;
		this.dedupe = dedupe;
	}

	/**
	 * @param undo undoes the group's effect; runs only when the effect is in place
	 */
	public Outcome compensate(String group, long orderId, IncomingMessage message, Runnable undo) {
		EffectState state = this.effects.lock(group, orderId);
		if (state == EffectState.CANCELLED || state == EffectState.COMPENSATED
				|| !this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
			return Outcome.DUPLICATE;
		}
		if (state == EffectState.NEW) {
			this.effects.moveTo(group, orderId, EffectState.CANCELLED.name());
			log.info("group {}: order {} cancelled before its OrderCreated arrived; it will be skipped", group,
					orderId);
			return Outcome.APPLIED;
		}
		undo.run();
		this.effects.moveTo(group, orderId, EffectState.COMPENSATED.name());
		return Outcome.APPLIED;
	}

}
