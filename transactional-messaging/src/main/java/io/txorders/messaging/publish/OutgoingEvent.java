package io.txorders.messaging.publish;

/**
 * An event to publish: its topic, its tag (the event type, past tense), its key (the
 * business id consumers dedupe on) and its body.
 *
 * @param topic the transactional topic
 * @param tag the event type
 * @param key the business key, e.g. the order id
 * @param body the serialized event
 */
public record OutgoingEvent(String topic, String tag, String key, byte[] body) {

	@Override
	public String toString() {
		return this.tag + " " + this.key + " on " + this.topic;
	}

}
