package io.txorders.messaging.outbox;

/**
 * When a publisher writes its event to the local message table instead of sending a half
 * message ({@code txorders.messaging.outbox.mode}).
 */
public enum OutboxMode {

	/**
	 * Half messages; the local message table only when the broker did not store the half
	 * message because it is unreachable, or while the circuit breaker is open. The
	 * default.
	 */
	FALLBACK,

	/**
	 * Always the local message table, never a half message on the request's path: the
	 * relay publishes every event.
	 */
	ALWAYS,

	/**
	 * Never the local message table: while the broker is unreachable, nothing is written.
	 */
	OFF

}
