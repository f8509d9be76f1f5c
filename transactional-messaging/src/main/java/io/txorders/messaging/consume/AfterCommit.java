package io.txorders.messaging.consume;

import io.micrometer.core.instrument.Counter;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counts what a local transaction did only once it commits: a rolled-back attempt is
 * retried, and must not count twice.
 */
public final class AfterCommit {

	private AfterCommit() {
	}

	/**
	 * Increments {@code counter} when the current transaction commits.
	 * @throws IllegalStateException outside a transaction
	 */
	public static void increment(Counter counter) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				counter.increment();
			}
		});
	}

}
