package io.txorders.messaging.consume;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.spi.MessagingProbe;
import io.txorders.testsupport.LocalInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The consumer side's rules on the real database: an order's effect applies once per
 * group, a cancel that comes first is remembered and skips the late effect, an undo runs
 * once, and a failed effect leaves nothing behind. Each test uses a group of its own.
 */
class ExactlyOnceIT {

	private static JdbcTemplate jdbc;

	private static TransactionTemplate transactions;

	private final String group = "it-eo-" + UUID.randomUUID().toString().substring(0, 8);

	private final long orderId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final RecordingEffects effects = new RecordingEffects();

	private ExactlyOnce exactlyOnce;

	@BeforeAll
	static void database() {
		DataSource dataSource = LocalInfra.shared().ordersDataSource();
		jdbc = new JdbcTemplate(dataSource);
		transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	@BeforeEach
	void kit() {
		this.exactlyOnce = new ExactlyOnce(new EffectRows(jdbc),
				new DuplicateMessageDetector(jdbc, MessagingProbe.NONE), transactions, this.meters);
	}

	@Test
	void anOrdersEffectAppliesTheFirstTimeAndIsADuplicateTheSecond() {
		IncomingMessage created = orderCreated(1);

		assertThat(applyToOrder(created)).isEqualTo(Outcome.APPLIED);
		assertThat(applyToOrder(orderCreated(2))).as("redelivered").isEqualTo(Outcome.DUPLICATE);

		assertThat(this.effects.applied).hasValue(1);
		assertThat(effectState()).isEqualTo("APPLIED");
		assertThat(consumed("OrderCreated")).containsExactly("APPLIED");
	}

	@Test
	void aRejectionIsRecordedAsTheOutcomeAndStillAppliesOnce() {
		assertThat(this.exactlyOnce.applyToOrder(this.group, this.orderId, orderCreated(1), Outcome.REJECTED,
				this.effects::apply))
			.isEqualTo(Outcome.REJECTED);
		assertThat(this.exactlyOnce.applyToOrder(this.group, this.orderId, orderCreated(2), Outcome.REJECTED,
				this.effects::apply))
			.isEqualTo(Outcome.DUPLICATE);

		assertThat(this.effects.applied).hasValue(1);
		assertThat(consumed("OrderCreated")).containsExactly("REJECTED");
	}

	@Test
	void aCancelBeforeTheEffectIsRememberedAndTheLateEffectIsSkipped() {
		assertThat(compensateOrder(orderCancelled(1))).isEqualTo(Outcome.APPLIED);
		assertThat(effectState()).isEqualTo("CANCELLED");
		assertThat(this.effects.undone).as("nothing to undo yet").hasValue(0);
		assertThat(compensations("before-effect")).isEqualTo(1);

		assertThat(applyToOrder(orderCreated(1))).isEqualTo(Outcome.SKIPPED);

		assertThat(this.effects.applied).as("the late effect never ran").hasValue(0);
		assertThat(effectState()).isEqualTo("CANCELLED");
		assertThat(consumed("OrderCreated")).as("a skipped effect writes no dedupe row").isEmpty();
	}

	@Test
	void aCancelAfterTheEffectUndoesItOnce() {
		applyToOrder(orderCreated(1));

		assertThat(compensateOrder(orderCancelled(1))).isEqualTo(Outcome.APPLIED);
		assertThat(compensateOrder(orderCancelled(2))).as("redelivered").isEqualTo(Outcome.DUPLICATE);

		assertThat(this.effects.undone).hasValue(1);
		assertThat(effectState()).isEqualTo("COMPENSATED");
		assertThat(compensations("undone")).isEqualTo(1);
		assertThat(consumed("OrderCancelled")).containsExactly("APPLIED");
	}

	@Test
	void aConfirmRunsOnceAfterTheTryAndTheCancelThenReversesBoth() {
		applyToOrder(orderCreated(1));

		assertThat(confirmOrder(orderConfirmed(1))).isEqualTo(Outcome.APPLIED);
		assertThat(confirmOrder(orderConfirmed(2))).as("redelivered").isEqualTo(Outcome.DUPLICATE);
		assertThat(applyToOrder(orderCreated(3))).as("a Try redelivered after its Confirm")
			.isEqualTo(Outcome.DUPLICATE);
		assertThat(this.effects.confirmed).hasValue(1);
		assertThat(effectState()).isEqualTo("CONFIRMED");

		List<EffectRows.EffectState> reached = new java.util.ArrayList<>();
		assertThat(this.exactlyOnce.compensateOrder(this.group, this.orderId, orderCancelled(1),
				(EffectRows.EffectState state) -> reached.add(state)))
			.isEqualTo(Outcome.APPLIED);
		assertThat(reached).as("the undo knows the Try was confirmed")
			.containsExactly(EffectRows.EffectState.CONFIRMED);
		assertThat(effectState()).isEqualTo("COMPENSATED");
	}

	@Test
	void aConfirmAfterTheCancelWonIsSkippedAndChangesNothing() {
		applyToOrder(orderCreated(1));
		compensateOrder(orderCancelled(1));

		assertThat(confirmOrder(orderConfirmed(1))).isEqualTo(Outcome.SKIPPED);
		assertThat(this.effects.confirmed).hasValue(0);
		assertThat(effectState()).isEqualTo("COMPENSATED");
		assertThat(consumed("OrderConfirmed")).as("nothing recorded: a skipped message writes nothing").isEmpty();
	}

	@Test
	void aConfirmWithoutItsTryThrowsSoTheBrokerRedeliversAndLeavesNoRow() {
		assertThatThrownBy(() -> confirmOrder(orderConfirmed(1))).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("confirmed before its Try");

		assertThat(effectRows()).isZero();
		assertThat(consumed("OrderConfirmed")).isEmpty();
	}

	@Test
	void aSecondCancelBeforeTheEffectIsADuplicate() {
		compensateOrder(orderCancelled(1));

		assertThat(compensateOrder(orderCancelled(2))).isEqualTo(Outcome.DUPLICATE);
		assertThat(compensations("before-effect")).as("counted once").isEqualTo(1);
	}

	@Test
	void anEffectThatThrowsLeavesNoDedupeRowAndNoEffectRowSoTheRedeliveryApplies() {
		assertThatThrownBy(
				() -> this.exactlyOnce.applyToOrder(this.group, this.orderId, orderCreated(1), Outcome.APPLIED, () -> {
					throw new IllegalStateException("stock table locked");
				}))
			.isInstanceOf(IllegalStateException.class);

		assertThat(consumed("OrderCreated")).isEmpty();
		assertThat(effectRows()).isZero();

		assertThat(applyToOrder(orderCreated(2))).as("redelivered").isEqualTo(Outcome.APPLIED);
		assertThat(this.effects.applied).hasValue(1);
	}

	@Test
	void anUndoThatThrowsLeavesTheEffectInPlaceForTheRedelivery() {
		applyToOrder(orderCreated(1));

		assertThatThrownBy(() -> this.exactlyOnce.compensateOrder(this.group, this.orderId, orderCancelled(1), () -> {
			throw new IllegalStateException("stock table locked");
		})).isInstanceOf(IllegalStateException.class);

		assertThat(effectState()).isEqualTo("APPLIED");
		assertThat(consumed("OrderCancelled")).isEmpty();
		assertThat(compensations("undone")).as("a rolled-back undo is not counted").isZero();
		assertThat(compensateOrder(orderCancelled(2))).isEqualTo(Outcome.APPLIED);
		assertThat(this.effects.undone).hasValue(1);
	}

	@Test
	void aMessageWithoutAnOrderFenceAppliesOncePerGroup() {
		IncomingMessage credited = new IncomingMessage("PointsCredited", "p-" + this.orderId, "msg-1", 1);

		assertThat(this.exactlyOnce.apply(this.group, credited, () -> Outcome.REJECTED)).isEqualTo(Outcome.REJECTED);
		assertThat(this.exactlyOnce.apply(this.group, credited, () -> Outcome.APPLIED)).isEqualTo(Outcome.DUPLICATE);
		assertThat(this.exactlyOnce.apply("other-" + this.group, credited, () -> Outcome.APPLIED))
			.as("another group applies it too")
			.isEqualTo(Outcome.APPLIED);
	}

	@Test
	void insideTheCallersTransactionADuplicateMarksThatTransactionRollbackOnly() {
		applyToOrder(orderCreated(1));

		Boolean rollbackOnly = transactions.execute(status -> {
			assertThat(applyToOrder(orderCreated(2))).isEqualTo(Outcome.DUPLICATE);
			boolean marked = status.isRollbackOnly();
			status.setRollbackOnly();
			return marked;
		});

		assertThat(rollbackOnly).as("a reply published with it must not commit").isTrue();
	}

	@Test
	void insideTheCallersTransactionTheEffectCommitsOrRollsBackWithIt() {
		transactions.executeWithoutResult(status -> {
			assertThat(applyToOrder(orderCreated(1))).isEqualTo(Outcome.APPLIED);
			status.setRollbackOnly();
		});

		assertThat(consumed("OrderCreated")).isEmpty();
		assertThat(effectRows()).isZero();
	}

	@Test
	void firstTimeNotADuplicateSecondTimeADuplicate() {
		AtomicInteger insideEffect = new AtomicInteger();
		DuplicateMessageDetector detector = new DuplicateMessageDetector(jdbc, new MessagingProbe() {
			@Override
			public void insideEffect(String group, IncomingMessage message) {
				insideEffect.incrementAndGet();
			}
		});
		IncomingMessage message = orderCreated(1);

		assertThat(detector.firstDelivery(message, this.group, Outcome.APPLIED)).as("first time: not a duplicate")
			.isTrue();
		assertThat(detector.firstDelivery(message, this.group, Outcome.APPLIED)).as("second time: duplicate").isFalse();
		assertThat(insideEffect).as("the probe is reached for the first delivery only").hasValue(1);
	}

	private Outcome applyToOrder(IncomingMessage message) {
		return this.exactlyOnce.applyToOrder(this.group, this.orderId, message, Outcome.APPLIED, this.effects::apply);
	}

	private Outcome confirmOrder(IncomingMessage message) {
		return this.exactlyOnce.confirmOrder(this.group, this.orderId, message, this.effects::confirm);
	}

	private IncomingMessage orderConfirmed(int attempt) {
		return new IncomingMessage("OrderConfirmed", String.valueOf(this.orderId), "msg-confirmed-" + attempt, attempt);
	}

	private Outcome compensateOrder(IncomingMessage message) {
		return this.exactlyOnce.compensateOrder(this.group, this.orderId, message, this.effects::undo);
	}

	private IncomingMessage orderCreated(int attempt) {
		return new IncomingMessage("OrderCreated", String.valueOf(this.orderId), "msg-created-" + attempt, attempt);
	}

	private IncomingMessage orderCancelled(int attempt) {
		return new IncomingMessage("OrderCancelled", String.valueOf(this.orderId), "msg-cancelled-" + attempt, attempt);
	}

	private String effectState() {
		return jdbc.queryForObject("SELECT state FROM order_effect WHERE consumer_group = ? AND order_id = ?",
				String.class, this.group, this.orderId);
	}

	private int effectRows() {
		return jdbc.queryForObject("SELECT COUNT(*) FROM order_effect WHERE consumer_group = ? AND order_id = ?",
				Integer.class, this.group, this.orderId);
	}

	private List<String> consumed(String eventType) {
		return jdbc.queryForList(
				"SELECT outcome FROM consumed_message WHERE consumer_group = ? AND event_type = ? AND message_key = ?",
				String.class, this.group, eventType, String.valueOf(this.orderId));
	}

	private double compensations(String kind) {
		return this.meters.counter(ExactlyOnce.COMPENSATIONS, "group", this.group, "kind", kind).count();
	}

	/** The business effect and its undo, counted. */
	private static final class RecordingEffects {

		private final AtomicInteger applied = new AtomicInteger();

		private final AtomicInteger undone = new AtomicInteger();

		private final AtomicInteger confirmed = new AtomicInteger();

		void confirm() {
			this.confirmed.incrementAndGet();
		}

		void apply() {
			this.applied.incrementAndGet();
		}

		void undo() {
			this.undone.incrementAndGet();
		}

	}

}
