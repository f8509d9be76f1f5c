package io.txorders.messaging.spi;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.OutgoingEvent;

/**
 * The one way tests, the fault harness and the benchmark reach into publishing and
 * consuming: named points where an implementation may pause, fail, crash, or change the
 * answer given to the broker. Production registers none; the kit then runs {@link #NONE}.
 * Implementations are Spring beans: the auto-configuration combines every
 * {@code MessagingProbe} bean in the context, in {@code @Order}.
 * <p>
 * Publishing, in the order they are reached: {@link #beforeLocalTransaction} (the half
 * message is stored), {@link #beforeCommit} (every row written, the local transaction
 * open), {@link #answer} (committed or rolled back locally, the broker not yet told),
 * {@link #afterBrokerAnswered} (the broker has the answer); the relay, inside its local
 * transaction: {@link #beforeRelayMark}. Consuming: {@link #beforeApply},
 * {@link #insideEffect} (the dedupe row written, the transaction open),
 * {@link #afterApplied} (committed, not yet acknowledged).
 */
public interface MessagingProbe {

	/** The half message is stored on the broker; the local transaction has not begun. */
	default void beforeLocalTransaction(OutgoingEvent event, String txId) {
	}

	/** Every row is written; the local transaction is still open. */
	default void beforeCommit(OutgoingEvent event, String txId) {
	}

	/**
	 * The local transaction is over; {@code answer} is about to go to the broker. May
	 * return another answer (a test, the benchmark's check-back run) or throw, which the
	 * kit treats like an answer lost on the way (the check-back settles it).
	 */
	default TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
		return answer;
	}

	/**
	 * The broker has the answer to a committed transaction (or the end-transaction call
	 * failed after the local commit); the publisher's caller has not heard back.
	 */
	default void afterBrokerAnswered(OutgoingEvent event, String txId) {
	}

	/**
	 * The relay's half message for a row of the local message table is stored; its local
	 * transaction, which deletes the row, has begun and not yet deleted it.
	 */
	default void beforeRelayMark(OutgoingEvent event, String txId) {
	}

	/** A message is about to be applied by the group. */
	default void beforeApply(String group, IncomingMessage message) {
	}

	/**
	 * Inside the effect's local transaction: the dedupe row is written, not committed.
	 */
	default void insideEffect(String group, IncomingMessage message) {
	}

	/** The effect is committed; the broker has no acknowledgement yet. */
	default void afterApplied(String group, IncomingMessage message, Outcome outcome) {
	}

	/** The production probe: nothing happens at any point. */
	MessagingProbe NONE = new MessagingProbe() {
	};

}
