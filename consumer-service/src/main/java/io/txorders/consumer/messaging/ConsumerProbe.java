package io.txorders.consumer.messaging;

/**
 * Points around applying a message where tests inject failures: before the effect (an
 * outage of something the effect needs) and between "effect committed" and "acknowledged
 * to the broker" (a lost acknowledgement). The production bean does nothing.
 */
public interface ConsumerProbe {

	default void beforeApply(String group, IncomingMessage message) {
	}

	default void afterApplied(String group, IncomingMessage message, Outcome outcome) {
	}

	ConsumerProbe NONE = new ConsumerProbe() {
	};

}
