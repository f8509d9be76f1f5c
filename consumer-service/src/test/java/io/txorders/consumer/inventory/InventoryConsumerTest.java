package io.txorders.consumer.inventory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.consumer.inventory.StockMapper.StockLevel;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.TryDecided;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.EffectRows;
import io.txorders.messaging.consume.EffectRows.EffectState;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.LocalTransaction;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.messaging.publish.TransactionalPublisher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.SmartTransactionObject;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The order of statements in inventory's transaction, which the integration tests cannot
 * see: barrier row, the order's effect row, the order's own rows, and the shared stock
 * rows last (each locked and checked by its guarded UPDATE, so a popular SKU's row is
 * held only until the COMMIT); a plan the stock rows no longer agree with rolls
 * everything back and is planned again; and a reply whose commit is in doubt has the
 * message redelivered.
 */
class InventoryConsumerTest {

	private static final String SKU = "SKU-1";

	private static final long ORDER_ID = 42;

	private final StockMapper stock = mock(StockMapper.class);

	private final EffectRows effects = mock(EffectRows.class);

	private final DuplicateMessageDetector dedupe = mock(DuplicateMessageDetector.class);

	private final TransactionBarrier barrier = mock(TransactionBarrier.class);

	private final TransactionalPublisher publisher = mock(TransactionalPublisher.class);

	private final RecordingTransactions transactions = new RecordingTransactions();

	private final List<String> replyTags = new ArrayList<>();

	/** Whether each reply was committed (true) or rolled back (false), in order. */
	private final List<Boolean> replyEnds = new ArrayList<>();

	private final IncomingMessage message = new IncomingMessage(OrderCreated.TAG, "42", "msg-1", 1);

	private InventoryConsumer inventory;

	@BeforeEach
	void wire() {
		// The effect row inserted: a new order, no read of its state.
		when(this.effects.lock(anyString(), anyLong(), any())).thenReturn(EffectState.NEW);
		when(this.dedupe.firstDelivery(any(), anyString(), any())).thenReturn(true);
		when(this.publisher.publish(any(), any())).thenAnswer(call -> {
			OutgoingEvent reply = call.getArgument(0);
			LocalTransaction<Outcome> local = call.getArgument(1);
			this.replyTags.add(reply.tag());
			Published<Outcome> published = runLocally("tx-" + this.replyTags.size(), local);
			this.replyEnds.add(published.committed());
			return published;
		});
		ConsumerSettings settings = new ConsumerSettings("order-events", "reply-events",
				new ConsumerSettings.Group("inventory", 8), new ConsumerSettings.Group("payment", 8),
				new ConsumerSettings.Group("points", 8));
		TransactionTemplate template = new TransactionTemplate(this.transactions);
		ExactlyOnce exactlyOnce = new ExactlyOnce(this.effects, this.dedupe, template, new SimpleMeterRegistry());
		this.inventory = new InventoryConsumer(this.stock, exactlyOnce,
				new TopicPublisher(this.publisher, settings.replyTopic(), JsonMapper.shared()), settings);
	}

	@Test
	void aReservationTheStockRowStillAllowsCommitsWithItsReply() {
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)));
		when(this.stock.reserve(SKU, 2)).thenReturn(1);

		assertThat(this.inventory.handle(order(2), this.message)).isEqualTo(Outcome.APPLIED);

		InOrder order = inOrder(this.barrier, this.effects, this.dedupe, this.stock);
		order.verify(this.barrier).enter("tx-1");
		// Created APPLIED: the effect that follows completes it, no UPDATE needed.
		order.verify(this.effects).lock("inventory", ORDER_ID, EffectState.APPLIED);
		order.verify(this.dedupe).firstDelivery(this.message, "inventory", Outcome.APPLIED);
		order.verify(this.stock).insertReservations(eq(ORDER_ID), anyCollection());
		order.verify(this.stock).reserve(SKU, 2);
		order.verifyNoMoreInteractions();
		verify(this.stock, never()).lockLevels(anyCollection());
		assertThat(this.transactions.outcomes).containsExactly("commit");
		assertThat(this.replyTags).containsExactly(TryDecided.INVENTORY_RESERVED);
		assertThat(this.replyEnds).as("committed").containsExactly(true);
	}

	@Test
	void stockTakenBetweenThePlanAndTheTransactionRollsBackAndIsPlannedAgain() {
		// Planned from 5 available; another order takes them before this one's guarded
		// UPDATE, which then changes nothing.
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)),
				List.of(new StockLevel(SKU, 0)));
		when(this.stock.reserve(SKU, 2)).thenReturn(0);
		when(this.stock.lockLevels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 0)));

		assertThat(this.inventory.handle(order(2), this.message)).isEqualTo(Outcome.REJECTED);

		assertThat(this.transactions.outcomes).containsExactly("rollback", "commit");
		assertThat(this.replyTags).containsExactly(TryDecided.INVENTORY_RESERVED, TryDecided.INVENTORY_REJECTED);
		assertThat(this.replyEnds).as("the stale plan's reply rolled back, the new one committed")
			.containsExactly(false, true);
		// The stale plan's rows went with its rollback; the rejection was checked against
		// the locked stock row before it was written.
		InOrder order = inOrder(this.stock);
		order.verify(this.stock).insertReservations(eq(ORDER_ID), anyCollection());
		order.verify(this.stock).reserve(SKU, 2);
		order.verify(this.stock).lockLevels(anyCollection());
		order.verify(this.stock).insertRejection(eq(ORDER_ID), anyString());
		verify(this.stock).reserve(anyString(), anyInt());
	}

	@Test
	void aReplyACheckBackRolledBackFirstIsPlannedAgainWithANewReply() {
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)));
		when(this.stock.reserve(SKU, 2)).thenReturn(1);
		doReturn(new Published<>(Status.REFUSED_BY_CHECKBACK, null, new IllegalStateException("rolled back")))
			.doAnswer(call -> runLocally("tx-2", call.getArgument(1)))
			.when(this.publisher)
			.publish(any(), any());

		assertThat(this.inventory.handle(order(2), this.message)).isEqualTo(Outcome.APPLIED);

		verify(this.barrier).enter("tx-2");
		assertThat(this.transactions.outcomes).containsExactly("commit");
	}

	@Test
	void aReplyWhoseCommitIsInDoubtHasTheMessageRedelivered() {
		IllegalStateException lost = new IllegalStateException("connection lost during COMMIT");
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)));
		doReturn(new Published<>(Status.UNKNOWN, null, lost)).when(this.publisher).publish(any(), any());

		assertThatThrownBy(() -> this.inventory.handle(order(2), this.message)).isSameAs(lost);
	}

	@Test
	void anOrderAppliedBeforeIsADuplicateAndItsReplyRollsBack() {
		when(this.effects.lock(anyString(), anyLong(), any())).thenReturn(EffectState.APPLIED);
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)));

		assertThat(this.inventory.handle(order(2), this.message)).isEqualTo(Outcome.DUPLICATE);

		assertThat(this.transactions.outcomes).containsExactly("rollback");
		assertThat(this.replyEnds).containsExactly(false);
		verify(this.stock, never()).insertReservations(anyLong(), anyCollection());
	}

	@Test
	void aReasonLongerThanItsColumnIsCutBetweenCharacters() {
		// SKUs of emoji, two UTF-16 units each: one of the two cuts falls inside one.
		for (String pad : List.of("", "x")) {
			List<String> shortages = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				shortages.add(pad + "\ud83d\ude00".repeat(20) + " (needs 1)");
			}
			String whole = "insufficient stock: " + String.join(", ", shortages);

			String reason = new InventoryConsumer.Plan(false, shortages).reason();

			assertThat(reason.codePointCount(0, reason.length())).isEqualTo(255);
			assertThat(whole).startsWith(reason);
			assertThat(Character.isHighSurrogate(reason.charAt(reason.length() - 1))).isFalse();
		}
	}

	/**
	 * What the kit's publisher does between the half message and its end, without a
	 * broker: one database transaction that starts with the barrier's row and commits
	 * only if the local transaction decided so.
	 */
	private Published<Outcome> runLocally(String txId, LocalTransaction<Outcome> local) {
		try {
			Decision<Outcome> decision = new TransactionTemplate(this.transactions).execute(status -> {
				this.barrier.enter(txId);
				Decision<Outcome> decided = local.run(txId);
				if (!decided.commit() || status.isRollbackOnly()) {
					status.setRollbackOnly();
					return Decision.rollback(decided.result());
				}
				return decided;
			});
			return new Published<>(decision.commit() ? Status.COMMITTED : Status.ROLLED_BACK, decision.result(), null);
		}
		catch (RuntimeException ex) {
			return new Published<>(Status.ROLLED_BACK, null, ex);
		}
	}

	private static OrderCreated order(int quantity) {
		return new OrderCreated(Long.toString(ORDER_ID), "u-1",
				List.of(new OrderCreated.Line(SKU, quantity, new BigDecimal("1.00"))), new BigDecimal("2.00"), "EUR",
				Instant.now());
	}

	/**
	 * Transactions without a database, with the real propagation rules (an inner
	 * transaction joins the outer one, and its rollback marks the outer rollback-only);
	 * records whether each outermost transaction committed.
	 */
	private static final class RecordingTransactions extends AbstractPlatformTransactionManager {

		private final List<String> outcomes = new ArrayList<>();

		private Open open;

		@Override
		protected Object doGetTransaction() {
			return (this.open != null) ? this.open : new Open();
		}

		@Override
		protected boolean isExistingTransaction(Object transaction) {
			return transaction == this.open;
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.open = (Open) transaction;
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.outcomes.add("commit");
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			this.outcomes.add("rollback");
		}

		@Override
		protected void doSetRollbackOnly(DefaultTransactionStatus status) {
			((Open) status.getTransaction()).rollbackOnly = true;
		}

		@Override
		protected void doCleanupAfterCompletion(Object transaction) {
			this.open = null;
		}

		private static final class Open implements SmartTransactionObject {

			private boolean rollbackOnly;

			@Override
			public boolean isRollbackOnly() {
				return this.rollbackOnly;
			}

			@Override
			public void flush() {
			}

		}

	}

}
