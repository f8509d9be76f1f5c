package io.txorders.messaging.publish;

/**
 * What became of one {@link TransactionalPublisher#publish} call.
 *
 * @param <T> what the local transaction returned
 * @param status the rows' and the event's fate
 * @param result what the local transaction returned (null if it did not return)
 * @param failure what the local transaction threw, or null
 * @param queued whether the event went to the local message table (the relay publishes
 * it) rather than to the broker as a half message
 */
public record Published<T>(Status status, T result, RuntimeException failure, boolean queued) {

	/** An outcome of a half message. */
	public Published(Status status, T result, RuntimeException failure) {
		this(status, result, failure, false);
	}

	public enum Status {

		/**
		 * The rows committed and the broker was told COMMIT, or the event waits in the
		 * local message table for the relay ({@link Published#queued()}).
		 */
		COMMITTED,
		/**
		 * The rows rolled back (the local transaction decided so, or failed before its
		 * COMMIT) and the event with them.
		 */
		ROLLED_BACK,
		/**
		 * A check-back had already answered ROLLBACK for this transaction: nothing was
		 * written. Try again with a new transaction.
		 */
		REFUSED_BY_CHECKBACK,
		/**
		 * The COMMIT itself failed, so the rows may or may not be in the database; the
		 * broker was told UNKNOWN and its check-back reads the database and settles it
		 * (or, queued, the event's row commits with them or not at all). Read the
		 * database to learn the outcome.
		 */
		UNKNOWN

	}

	public boolean committed() {
		return this.status == Status.COMMITTED;
	}

}
