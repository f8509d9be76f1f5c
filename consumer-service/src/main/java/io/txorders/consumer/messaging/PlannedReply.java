package io.txorders.consumer.messaging;

import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.Published;

/**
 * How a TCC participant replies to a Try (inventory from its stock, payment from the
 * account): the reply's tag must be known before the local transaction (the half message
 * goes first), so the decision is planned from an unlocked read and applied only if the
 * locked rows still agree; otherwise the local transaction throws {@link PlanChanged},
 * everything rolls back, reply included, and the Try is planned again.
 */
public final class PlannedReply {

	private PlannedReply() {
	}

	/**
	 * Whether the plan must be made again (the rows moved, or a check-back rolled the
	 * reply back while this was slow). Throws what the broker must redeliver the message
	 * for: after an UNKNOWN commit the dedupe row makes the redelivery harmless.
	 */
	public static boolean planAgain(Published<Outcome> published) {
		return switch (published.status()) {
			case COMMITTED -> false;
			case REFUSED_BY_CHECKBACK -> true;
			case ROLLED_BACK -> {
				if (published.failure() == null) {
					// A duplicate, or an order cancelled first: nothing to reply.
					yield false;
				}
				if (published.failure() instanceof PlanChanged) {
					yield true;
				}
				throw published.failure();
			}
			case UNKNOWN -> throw published.failure();
		};
	}

	/** The locked rows no longer agree with the plan. */
	public static final class PlanChanged extends RuntimeException {

		/**
		 * @param rows what changed: "the stock", "the account"
		 */
		public PlanChanged(String rows) {
			super(rows + " changed since the plan", null, false, false);
		}

	}

}
