package io.txorders.messaging.barrier;

/**
 * The answer to a broker check-back, read from the database that owns the transaction.
 */
public enum TransactionResolution {

	/** The local transaction committed: deliver the half message. */
	COMMIT,

	/**
	 * The local transaction did not commit and now never will: discard the half message.
	 */
	ROLLBACK,

	/**
	 * The database could not be asked (unreachable, lock wait too long): the broker asks
	 * again later.
	 */
	UNKNOWN

}
