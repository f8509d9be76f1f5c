package io.txorders.consumer.messaging;

import java.util.concurrent.ThreadLocalRandom;

import io.txorders.messaging.consume.EffectRows;
import io.txorders.messaging.consume.EffectRows.EffectState;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order's effect row ({@link EffectRows}) against the real database. The first lock
 * of an order inserts the row, already in the state the effect leaves it in, and needs no
 * read; every later lock must be told apart from an insert, or a cancelled or applied
 * order would be taken for a new one and its effect applied again.
 */
@ConsumerServiceTest
class OrderEffectsIT {

	@Autowired
	private EffectRows effects;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private TransactionTemplate transactions;

	@Test
	void theFirstLockCreatesTheRowInTheStateTheEffectLeavesIt() {
		long orderId = newOrderId();

		assertThat(lock("inventory", orderId, EffectState.APPLIED)).isEqualTo(EffectState.NEW);
		assertThat(state("inventory", orderId)).isEqualTo("APPLIED");
	}

	@Test
	void aRowThatExistsIsNeverCountedAsInsertedEvenWhenLockedTwiceInTheSameMillisecond() {
		long orderId = newOrderId();
		assertThat(lock("points", orderId, EffectState.APPLIED)).isEqualTo(EffectState.NEW);

		// Back to back, most of these land within one millisecond of each other: the
		// update must change the row anyway, or the count would be 1, as for an insert,
		// and the applied order would be taken for a new one.
		for (int i = 0; i < 20; i++) {
			assertThat(lock("points", orderId, EffectState.APPLIED)).isEqualTo(EffectState.APPLIED);
		}
	}

	@Test
	void lockReadsTheStateOfAnOrderTheGroupHasSeenAndLeavesIt() {
		long orderId = newOrderId();
		assertThat(lock("inventory", orderId, EffectState.NEW)).isEqualTo(EffectState.NEW);
		this.transactions
			.executeWithoutResult(status -> this.effects.moveTo("inventory", orderId, EffectState.CANCELLED));

		assertThat(lock("inventory", orderId, EffectState.APPLIED)).isEqualTo(EffectState.CANCELLED);
		assertThat(state("inventory", orderId)).isEqualTo("CANCELLED");
		assertThat(lock("points", orderId, EffectState.APPLIED)).as("each group has its own row")
			.isEqualTo(EffectState.NEW);
	}

	@Test
	void aRowLeftNewIsTakenAsNewAndMovedToTheEffectsState() {
		long orderId = newOrderId();
		lock("points", orderId, EffectState.NEW);

		assertThat(lock("points", orderId, EffectState.APPLIED)).isEqualTo(EffectState.NEW);
		assertThat(state("points", orderId)).isEqualTo("APPLIED");
	}

	@Test
	void aLockRolledBackLeavesNoRow() {
		long orderId = newOrderId();
		this.transactions.executeWithoutResult(status -> {
			this.effects.lock("inventory", orderId, EffectState.APPLIED);
			status.setRollbackOnly();
		});

		assertThat(state("inventory", orderId)).isNull();
		assertThat(lock("inventory", orderId, EffectState.APPLIED)).isEqualTo(EffectState.NEW);
	}

	private EffectState lock(String group, long orderId, EffectState applying) {
		return this.transactions.execute(status -> this.effects.lock(group, orderId, applying));
	}

	private String state(String group, long orderId) {
		return this.jdbc
			.queryForList("SELECT state FROM order_effect WHERE consumer_group = ? AND order_id = ?", String.class,
					group, orderId)
			.stream()
			.findFirst()
			.orElse(null);
	}

	private static long newOrderId() {
		return ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE);
	}

}
