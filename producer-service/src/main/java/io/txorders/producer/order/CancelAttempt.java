package io.txorders.producer.order;

import java.util.Set;

/**
 * One attempt to cancel an order, passed to the transaction listener with the
 * OrderCancelled half message. The local transaction runs on the caller's thread.
 */
final class CancelAttempt {

	enum Outcome {

		/** The order is now CANCELLED; OrderCancelled is committed with it. */
		CANCELLED,
		/**
		 * The order's status does not allow it (see {@link #found()}); nothing changed.
		 */
		NOT_ALLOWED,
		/** The reply that asked for it was handled before; nothing changed. */
		DUPLICATE,
		/** The local transaction failed; see {@link #failure()}. */
		FAILED

	}

	/**
	 * The message this cancel answers, for the dedupe table; null for a user's cancel.
	 */
	record Trigger(String group, String eventType, String key, String messageId) {
	}

	private final long orderId;

	private final String txId;

	private final String cause;

	private final Set<OrderStatus> allowedFrom;

	private final Trigger trigger;

	private Outcome outcome;

	private OrderStatus found;

	private RuntimeException failure;

	private boolean bodyCompleted;

	CancelAttempt(long orderId, String txId, String cause, Set<OrderStatus> allowedFrom, Trigger trigger) {
		this.orderId = orderId;
		this.txId = txId;
		this.cause = cause;
		this.allowedFrom = allowedFrom;
		this.trigger = trigger;
	}

	long orderId() {
		return this.orderId;
	}

	String txId() {
		return this.txId;
	}

	String cause() {
		return this.cause;
	}

	Set<OrderStatus> allowedFrom() {
		return this.allowedFrom;
	}

	Trigger trigger() {
		return this.trigger;
	}

	Outcome outcome() {
		return this.outcome;
	}

	OrderStatus found() {
		return this.found;
	}

	RuntimeException failure() {
		return this.failure;
	}

	boolean failedAtCommit() {
		return this.bodyCompleted;
	}

	void bodyCompleted() {
		this.bodyCompleted = true;
	}

	void finished(Outcome outcome, OrderStatus found) {
		this.outcome = outcome;
		this.found = found;
	}

	void failed(RuntimeException failure) {
		this.outcome = Outcome.FAILED;
		this.failure = failure;
	}

}
