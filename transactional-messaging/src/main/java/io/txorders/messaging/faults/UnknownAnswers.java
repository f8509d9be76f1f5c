package io.txorders.messaging.faults;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.spi.MessagingProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's check-back run: answers UNKNOWN instead of COMMIT for {@code percent}
 * of the local transactions that committed; ROLLBACK and UNKNOWN pass unchanged. Which
 * ones depends only on the transaction id (its CRC-32 modulo 100), so the same ids give
 * the same answers in every run and on every replica.
 */
final class UnknownAnswers implements MessagingProbe {

	/**
	 * The benchmark's setting. No environment variable binds to it by itself: an app that
	 * takes part maps {@code TXORDERS_BENCHMARK_UNKNOWN_PERCENT} to it (producer-service
	 * does), so the other apps started with the same environment answer as usual.
	 */
	static final String PROPERTY = "txorders.messaging.benchmark-unknown-percent";

	private static final Logger log = LoggerFactory.getLogger(UnknownAnswers.class);

	private final int percent;

	UnknownAnswers(int percent) {
		if (percent < 0 || percent > 100) {
			throw new IllegalArgumentException(PROPERTY + " must be a whole number from 0 to 100, got " + percent);
		}
		this.percent = percent;
		log.warn("benchmark setting {}={}: {}% of committed local transactions are answered UNKNOWN and left to "
				+ "the check-back; never use this outside a benchmark", PROPERTY, percent, percent);
	}

	static int percent(String value) {
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(PROPERTY + " must be a whole number from 0 to 100, got '" + value + "'",
					ex);
		}
	}

	@Override
	public TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
		if (answer == TransactionResolution.COMMIT && chosen(txId, this.percent)) {
			log.debug("transaction {}: committed, answering UNKNOWN (benchmark)", txId);
			return TransactionResolution.UNKNOWN;
		}
		return answer;
	}

	/** Whether a transaction id falls in the given percent of all ids. */
	static boolean chosen(String txId, int percent) {
		CRC32 crc = new CRC32();
		crc.update(txId.getBytes(StandardCharsets.UTF_8));
		return crc.getValue() % 100 < percent;
	}

}
