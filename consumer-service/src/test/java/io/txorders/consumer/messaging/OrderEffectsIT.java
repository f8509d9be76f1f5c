package io.txorders.consumer.messaging;

import java.util.concurrent.ThreadLocalRandom;

import io.txorders.consumer.messaging.OrderEffects.EffectState;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order's effect row against the real database: the first lock of an order inserts
 * the row and needs no read; every later lock must be told apart from an insert, or a
 * cancelled or applied order would be taken for a new one and its effect applied.
 */
@ConsumerServiceTest
class OrderEffectsIT {

	@Autowired
	private OrderEffects effects;

	@Autowired
	private TransactionTemplate transactions;

	@Test
	void theFirstLockInsertsTheRowAsNew() {
		long orderId = newOrderId();

		assertThat(lockRow("inventory", orderId)).isEqualTo(1);
		assertThat(this.effects.state("inventory", orderId)).isEqualTo("NEW");
	}

	@Test
	void aRowThatExistsIsNeverCountedAsInsertedEvenWhenLockedTwiceInTheSameMillisecond() {
		long orderId = newOrderId();
		lock("points", orderId);

		// Back to back, most of these land within one millisecond of each other: the
		// update must change the row anyway, or the count would be 1, as for an insert.
		for (int i = 0; i < 20; i++) {
			assertThat(lockRow("points", orderId)).isEqualTo(2);
		}
	}

	@Test
	void lockReadsTheStateOfAnOrderTheGroupHasSeen() {
		long orderId = newOrderId();
		assertThat(lock("inventory", orderId)).isEqualTo(EffectState.NEW);
		this.transactions
			.executeWithoutResult(status -> this.effects.moveTo("inventory", orderId, EffectState.CANCELLED.name()));

		assertThat(lock("inventory", orderId)).isEqualTo(EffectState.CANCELLED);
		assertThat(lock("points", orderId)).as("each group has its own row").isEqualTo(EffectState.NEW);
	}

	@Test
	void aLockRolledBackLeavesNoRow() {
		long orderId = newOrderId();
		this.transactions.executeWithoutResult(status -> {
			OrderEffects.lock(this.effects, "inventory", orderId);
			status.setRollbackOnly();
		});

		assertThat(this.effects.state("inventory", orderId)).isNull();
		assertThat(lock("inventory", orderId)).isEqualTo(EffectState.NEW);
	}

	private int lockRow(String group, long orderId) {
		Integer count = this.transactions.execute(status -> this.effects.lockRow(group, orderId));
		return count;
	}

	private EffectState lock(String group, long orderId) {
		return this.transactions.execute(status -> OrderEffects.lock(this.effects, group, orderId));
	}

	private static long newOrderId() {
		return ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE);
	}

}
