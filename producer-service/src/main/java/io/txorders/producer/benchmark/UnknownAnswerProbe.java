package io.txorders.producer.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import io.txorders.producer.order.LocalTransactionProbe;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers UNKNOWN instead of COMMIT for {@code percent} of the local transactions that
 * committed; ROLLBACK and UNKNOWN pass unchanged. Which ones depends only on the
 * transaction id (its CRC-32 modulo 100), so the same ids give the same answers in every
 * run and on every replica.
 */
final class UnknownAnswerProbe implements LocalTransactionProbe {

	private static final Logger log = LoggerFactory.getLogger(UnknownAnswerProbe.class);

	private final int percent;

	UnknownAnswerProbe(int percent) {
		if (percent < 0 || percent > 100) {
			throw new IllegalArgumentException(
					UnknownAnswers.PROPERTY + " must be a whole number from 0 to 100, got " + percent);
		}
		this.percent = percent;
		log.warn(
				"benchmark setting {}={}: {}% of committed local transactions are answered UNKNOWN and left to "
						+ "the check-back; never use this outside a benchmark",
				UnknownAnswers.PROPERTY, percent, percent);
	}

	static int percent(String value) {
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					UnknownAnswers.PROPERTY + " must be a whole number from 0 to 100, got '" + value + "'", ex);
		}
	}

	@Override
	public RocketMQLocalTransactionState answer(String txId, RocketMQLocalTransactionState state) {
		if (state == RocketMQLocalTransactionState.COMMIT && chosen(txId, this.percent)) {
			log.debug("transaction {}: committed, answering UNKNOWN (benchmark)", txId);
			return RocketMQLocalTransactionState.UNKNOWN;
		}
		return state;
	}

	/** Whether a transaction id falls in the given percent of all ids. */
	static boolean chosen(String txId, int percent) {
		CRC32 crc = new CRC32();
		crc.update(txId.getBytes(StandardCharsets.UTF_8));
		return crc.getValue() % 100 < percent;
	}

}
