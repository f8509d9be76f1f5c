package io.txorders.messaging.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.messaging.consume.EffectRows.EffectState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * The consumer side of the kit: each method applies one message's effect exactly once, in
 * one local transaction with its dedupe row and, for per-order effects, the order's
 * effect row ({@link EffectRows}) locked first. It joins the caller's transaction if
 * there is one (a reply published with {@code TransactionalPublisher}) or opens its own.
 * What it did not apply it rolls back, so a duplicate leaves no row behind.
 */
public class ExactlyOnce {

	private static final Logger log = LoggerFactory.getLogger(ExactlyOnce.class);

	/** Counter, tags group and kind (undone, before-effect). */
	public static final String COMPENSATIONS = "txorders.compensations";

	/** Compensation kinds: a cancel that came before the effect, and an effect undone. */
	private static final String BEFORE_EFFECT = "before-effect";

	private static final String UNDONE = "undone";

	private final EffectRows effects;

	private final DuplicateMessageDetector dedupe;

	private final TransactionTemplate transactions;

	private final MeterRegistry meters;

	public ExactlyOnce(EffectRows effects, DuplicateMessageDetector dedupe, TransactionTemplate transactions,
			MeterRegistry meters) {
		this.effects = effects;
		this.dedupe = dedupe;
		this.transactions = transactions;
		this.meters = meters;
	}

	/**
	 * An effect that runs inside the local transaction, under the locks taken before it.
	 */
	@FunctionalInterface
	public interface Effect {

		void apply();

	}

	/**
	 * Undoes an order's effect, knowing how far it got: APPLIED (a Try to release) or
	 * CONFIRMED (a Try and its Confirm to reverse).
	 */
	@FunctionalInterface
	public interface Compensation {

		void undo(EffectState reached);

	}

	/**
	 * Applies an order's forward effect (a Try) once per group: skipped if the order was
	 * cancelled first (a hanging Try), a duplicate if it was applied before.
	 * @param recorded the outcome the dedupe row records, and the one returned when the
	 * effect runs (APPLIED, or REJECTED for a refusal the effect records)
	 * @param effect the writes; throw to roll everything back and have the message
	 * redelivered
	 */
	public Outcome applyToOrder(String group, long orderId, IncomingMessage message, Outcome recorded, Effect effect) {
		return this.transactions.execute(status -> {
			EffectState state = this.effects.lock(group, orderId, EffectState.APPLIED);
			if (state == EffectState.CANCELLED || state == EffectState.COMPENSATED) {
				// The cancel came first: nothing to apply, and nothing to write.
				status.setRollbackOnly();
				return Outcome.SKIPPED;
			}
			if (state == EffectState.APPLIED || state == EffectState.CONFIRMED
					|| !this.dedupe.firstDelivery(message, group, recorded)) {
				status.setRollbackOnly();
				return Outcome.DUPLICATE;
			}
			effect.apply();
			return recorded;
		});
	}

	/**
	 * Confirms an order's Try once per group (a TCC Confirm): APPLIED when it ran now,
	 * DUPLICATE when it ran before, SKIPPED when a cancel won the race (the Try is undone
	 * or was never applied, so there is nothing to confirm).
	 * @param confirm makes the Try's effect final; runs only when the Try is in place
	 * @throws IllegalStateException if this group has no Try for the order: the
	 * coordinator confirms only after every Try replied, so the message is redelivered
	 * rather than acknowledged
	 */
	public Outcome confirmOrder(String group, long orderId, IncomingMessage message, Effect confirm) {
		return this.transactions.execute(status -> {
			EffectState state = this.effects.lock(group, orderId, EffectState.NEW);
			if (state == EffectState.NEW) {
				throw new IllegalStateException(
						"group " + group + ": order " + orderId + " was confirmed before its Try was applied here");
			}
			if (state == EffectState.CANCELLED || state == EffectState.COMPENSATED) {
				status.setRollbackOnly();
				return Outcome.SKIPPED;
			}
			if (state == EffectState.CONFIRMED || !this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
				status.setRollbackOnly();
				return Outcome.DUPLICATE;
			}
			confirm.apply();
			this.effects.moveTo(group, orderId, EffectState.CONFIRMED);
			return Outcome.APPLIED;
		});
	}

	/**
	 * Undoes an order's forward effect once per group. A cancel that comes before the
	 * effect is remembered, so the later effect is skipped ({@link #applyToOrder}).
	 * @param undo undoes the effect; runs only when the effect is in place
	 */
	public Outcome compensateOrder(String group, long orderId, IncomingMessage message, Effect undo) {
		return compensateOrder(group, orderId, message, (reached) -> undo.apply());
	}

	/**
	 * Undoes an order's Try, and its Confirm if it was confirmed, once per group (a TCC
	 * Cancel). A cancel that comes before the Try (an empty rollback) is recorded, so the
	 * later Try is skipped ({@link #applyToOrder}); a later Confirm is skipped too
	 * ({@link #confirmOrder}).
	 * @param undo undoes what was reached; runs only when the Try is in place
	 */
	public Outcome compensateOrder(String group, long orderId, IncomingMessage message, Compensation undo) {
		return this.transactions.execute(status -> {
			EffectState state = this.effects.lock(group, orderId, EffectState.NEW);
			if (state == EffectState.CANCELLED || state == EffectState.COMPENSATED
					|| !this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
				status.setRollbackOnly();
				return Outcome.DUPLICATE;
			}
			if (state == EffectState.NEW) {
				this.effects.moveTo(group, orderId, EffectState.CANCELLED);
				log.info("group {}: order {} cancelled before its effect arrived; it will be skipped", group, orderId);
				countAfterCommit(group, BEFORE_EFFECT);
				return Outcome.APPLIED;
			}
			undo.undo(state);
			this.effects.moveTo(group, orderId, EffectState.COMPENSATED);
			countAfterCommit(group, UNDONE);
			return Outcome.APPLIED;
		});
	}

	/**
	 * Applies a message that needs no per-order fence once per group: {@code effect}
	 * decides what applying it did.
	 */
	public Outcome apply(String group, IncomingMessage message, java.util.function.Supplier<Outcome> effect) {
		return this.transactions.execute(status -> {
			if (!this.dedupe.firstDelivery(message, group, Outcome.APPLIED)) {
				status.setRollbackOnly();
				return Outcome.DUPLICATE;
			}
			return effect.get();
		});
	}

	/** The compensation counters of {@code group} at zero, before the first cancel. */
	static void declareCompensations(MeterRegistry meters, String group) {
		for (String kind : new String[] { BEFORE_EFFECT, UNDONE }) {
			meters.counter(COMPENSATIONS, "group", group, "kind", kind);
		}
	}

	private void countAfterCommit(String group, String kind) {
		AfterCommit.increment(this.meters.counter(COMPENSATIONS, "group", group, "kind", kind));
	}

}
