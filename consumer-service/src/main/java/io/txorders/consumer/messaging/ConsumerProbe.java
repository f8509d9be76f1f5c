package io.txorders.consumer.messaging;

/**
 * A point between "effect committed" and "acknowledged to the broker", where tests make
 * the acknowledgement fail to force a redelivery. The production bean does nothing.
 */
public interface ConsumerProbe {

	default void afterApplied(String group, IncomingMessage message, Outcome outcome) {
	}

	ConsumerProbe NONE = new ConsumerProbe() {
	};

}
