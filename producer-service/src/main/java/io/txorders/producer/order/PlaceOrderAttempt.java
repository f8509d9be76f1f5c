package io.txorders.producer.order;

import java.util.List;

/**
 * One attempt to place an order: what the local transaction writes, and what happened to
 * it. Passed as the argument of sendMessageInTransaction; the listener runs on the
 * caller's thread.
 */
final class PlaceOrderAttempt {

	enum Outcome {

		/** Order, items and transaction record committed. */
		PLACED,
		/** Another order already holds this user's Idempotency-Key. */
		IDEMPOTENT_REPLAY,
		/** A check-back had already answered ROLLBACK for this transaction id. */
		REJECTED_BY_CHECKBACK,
		/** The local transaction failed; see {@link #failure()}. */
		FAILED

	}

	private final Order order;

	private final List<OrderItem> items;

	private Outcome outcome;

	private RuntimeException failure;

	private OrderHistory placed;

	private boolean bodyCompleted;

	PlaceOrderAttempt(Order order, List<OrderItem> items) {
		this.order = order;
		this.items = items;
	}

	Order order() {
		return this.order;
	}

	List<OrderItem> items() {
		return this.items;
	}

	String txId() {
		return this.order.getTxId();
	}

	Outcome outcome() {
		return this.outcome;
	}

	RuntimeException failure() {
		return this.failure;
	}

	/** The first history entry, as the local transaction wrote it. */
	OrderHistory placedEntry() {
		return this.placed;
	}

	void wrote(OrderHistory entry) {
		this.placed = entry;
	}

	/** Every statement ran; what remains is the COMMIT itself. */
	void bodyCompleted() {
		this.bodyCompleted = true;
	}

	/**
	 * Whether a failure can only have come from the COMMIT, whose outcome the client
	 * cannot know. A failure before it means the database rolled the transaction back.
	 */
	boolean failedAtCommit() {
		return this.bodyCompleted;
	}

	void finished(Outcome outcome) {
		this.outcome = outcome;
	}

	void failed(RuntimeException failure) {
		this.outcome = Outcome.FAILED;
		this.failure = failure;
	}

}
