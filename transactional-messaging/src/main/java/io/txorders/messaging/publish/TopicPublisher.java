package io.txorders.messaging.publish;

import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link TransactionalPublisher} bound to one topic, publishing events as JSON: the tag
 * is the event type, the key the business id (the order id) consumers dedupe on.
 *
 * @param publisher the transactional publisher
 * @param topic the topic every event goes to
 * @param json how events are written
 */
public record TopicPublisher(TransactionalPublisher publisher, String topic, JsonMapper json) {

	/**
	 * This publisher, with the meters of the event types it publishes registered at zero
	 * ({@link TransactionalPublisher#declare}).
	 * @param tags the event types this topic carries
	 */
	public TopicPublisher declaring(String... tags) {
		for (String tag : tags) {
			this.publisher.declare(tag);
		}
		return this;
	}

	/**
	 * Publishes {@code event} as JSON with its local transaction; see
	 * {@link TransactionalPublisher#publish}.
	 * @throws TransactionalPublisher.NotPublished if the broker did not take the half
	 * message: nothing was written
	 */
	public <T> Published<T> publish(String tag, String key, Object event, LocalTransaction<T> local) {
		return this.publisher.publish(new OutgoingEvent(this.topic, tag, key, this.json.writeValueAsBytes(event)),
				local);
	}

}
