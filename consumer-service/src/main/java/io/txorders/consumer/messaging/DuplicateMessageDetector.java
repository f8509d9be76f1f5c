package io.txorders.consumer.messaging;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * The dedupe table. Call {@link #firstDelivery} inside the transaction that applies the
 * effect: the row commits with the effect, or not at all. A concurrent second delivery of
 * the same message waits on the first's row lock, then sees the duplicate.
 */
@Component
public class DuplicateMessageDetector {

	private final ConsumedMessageMapper consumed;

	private final ConsumerProbe probe;

	DuplicateMessageDetector(ConsumedMessageMapper consumed, ObjectProvider<ConsumerProbe> probe) {
		this.consumed = consumed;
		this.probe = probe.getIfAvailable(() -> ConsumerProbe.NONE);
	}

	/**
	 * Records the message as applied by the group.
	 * @return false if the group already applied it
	 */
	public boolean firstDelivery(IncomingMessage message, String group, Outcome outcome) {
		try {
			this.consumed.insert(group, message.eventType(), message.key(), message.messageId(), outcome.name());
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
		this.probe.insideEffect(group, message);
		return true;
	}

}
