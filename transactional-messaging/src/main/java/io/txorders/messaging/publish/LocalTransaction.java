package io.txorders.messaging.publish;

/**
 * The business writes that commit or roll back together with an event. The kit runs it
 * inside a database transaction it opened, after the barrier's row for {@code txId}.
 *
 * @param <T> what the caller gets back
 */
@FunctionalInterface
public interface LocalTransaction<T> {

	/**
	 * Writes, then decides. Return {@link Decision#commit} to commit the rows and publish
	 * the event, {@link Decision#rollback} to roll both back. A thrown exception rolls
	 * both back too and is handed to the caller in {@link Published#failure()}.
	 * @param txId the id the broker's check-back will ask about
	 */
	Decision<T> run(String txId);

}
