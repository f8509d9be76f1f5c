package io.txorders.producer.messaging;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Call inside the transaction that applies a message: the dedupe row commits with the
 * effect, or not at all.
 */
@Component
public class DuplicateMessageDetector {

	private final ConsumedMessageMapper consumed;

	DuplicateMessageDetector(ConsumedMessageMapper consumed) {
		this.consumed = consumed;
	}

	/**
	 * @return false if this group applied this message (type and key) before
	 */
	public boolean firstDelivery(String group, String eventType, String key, String messageId, String outcome) {
		try {
			this.consumed.insert(group, eventType, key, messageId, outcome);
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

}
