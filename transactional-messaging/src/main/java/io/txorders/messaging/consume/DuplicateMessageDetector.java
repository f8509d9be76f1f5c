package io.txorders.messaging.consume;

import io.txorders.messaging.spi.MessagingProbe;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The dedupe table ({@code consumed_message}): one row per group, event type and message
 * key. Call {@link #firstDelivery} inside the transaction that applies the effect: the
 * row commits with the effect, or not at all. A concurrent second delivery of the same
 * message waits on the first's row lock, then sees the duplicate.
 */
public class DuplicateMessageDetector {

	private final JdbcTemplate jdbc;

	private final MessagingProbe probe;

	public DuplicateMessageDetector(JdbcTemplate jdbc, MessagingProbe probe) {
		this.jdbc = jdbc;
		this.probe = probe;
	}

	/**
	 * Records the message as applied by the group, with what applying it did.
	 * @return false if the group already applied it
	 */
	public boolean firstDelivery(IncomingMessage message, String group, Outcome outcome) {
		try {
			this.jdbc.update(
					"""
							INSERT INTO consumed_message (consumer_group, event_type, message_key, message_id, outcome, consumed_at)
							VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP(3))
							""",
					group, message.eventType(), message.key(), message.messageId(), outcome.name());
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
		this.probe.insideEffect(group, message);
		return true;
	}

}
