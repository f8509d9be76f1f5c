package io.txorders.consumer.messaging;

/**
 * Points around applying a message where tests inject failures: before the effect (an
 * outage of something the effect needs), inside its transaction, and between "effect
 * committed" and "acknowledged to the broker" (a lost acknowledgement). The fault
 * harness's crash points ({@code io.txorders.consumer.faults}) use the same points. The
 * production bean does nothing.
 */
public interface ConsumerProbe {

	default void beforeApply(String group, IncomingMessage message) {
	}

	/**
	 * Inside the effect's local transaction: the dedupe row is written, the transaction
	 * is open.
	 */
	default void insideEffect(String group, IncomingMessage message) {
	}

	/**
	 * Inventory's effect and reply are committed in the database; the reply's half
	 * message is not yet committed on the broker.
	 */
	default void beforeReplyCommit(String group, IncomingMessage message) {
	}

	default void afterApplied(String group, IncomingMessage message, Outcome outcome) {
	}

	ConsumerProbe NONE = new ConsumerProbe() {
	};

}
