package io.txorders.consumer.messaging;

import java.util.UUID;

import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dedupe table against the real database.
 */
@ConsumerServiceTest
class DuplicateMessageDetectorIT {

	@Autowired
	private DuplicateMessageDetector detector;

	@Autowired
	private TransactionTemplate transactions;

	@Test
	void firstTimeNotADuplicateSecondTimeADuplicate() {
		IncomingMessage message = new IncomingMessage("OrderCreated", UUID.randomUUID().toString(), "m-1", 1);

		assertThat(firstDelivery(message, "inventory")).isTrue();
		assertThat(firstDelivery(message, "inventory")).isFalse();
	}

	@Test
	void eachGroupAndEachEventTypeDedupesOnItsOwn() {
		String key = UUID.randomUUID().toString();

		assertThat(firstDelivery(new IncomingMessage("OrderCreated", key, "m-1", 1), "inventory")).isTrue();
		assertThat(firstDelivery(new IncomingMessage("OrderCreated", key, "m-1", 1), "points")).isTrue();
		assertThat(firstDelivery(new IncomingMessage("OrderCancelled", key, "m-2", 1), "inventory")).isTrue();
	}

	@Test
	void aRolledBackEffectLeavesNoDedupeRowSoTheRedeliveryApplies() {
		IncomingMessage message = new IncomingMessage("OrderCreated", UUID.randomUUID().toString(), "m-1", 1);

		this.transactions.executeWithoutResult(status -> {
			assertThat(this.detector.firstDelivery(message, "inventory", Outcome.APPLIED)).isTrue();
			status.setRollbackOnly();
		});

		assertThat(firstDelivery(message, "inventory")).isTrue();
	}

	private boolean firstDelivery(IncomingMessage message, String group) {
		return this.transactions.execute(status -> this.detector.firstDelivery(message, group, Outcome.APPLIED));
	}

}
