package io.txorders.consumer.inventory;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.txorders.checkback.TransactionBarrier;
import io.txorders.consumer.inventory.StockMapper.StockLevel;
import io.txorders.consumer.messaging.ConsumerProbe;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.DuplicateMessageDetector;
import io.txorders.consumer.messaging.IncomingMessage;
import io.txorders.consumer.messaging.InventoryDecided;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.OrderEffects;
import io.txorders.consumer.messaging.Outcome;
import io.txorders.consumer.messaging.TransactionalReplies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The order of statements in inventory's transaction, which the integration tests cannot
 * see: barrier row, the order's effect row, the order's own rows, and the shared stock
 * rows last (each locked and checked by its guarded UPDATE, so a popular SKU's row is
 * held only until the COMMIT); and a plan the stock rows no longer agree with rolls
 * everything back and is planned again.
 */
class InventoryConsumerTest {

	private static final String SKU = "SKU-1";

	private static final long ORDER_ID = 42;

	private final StockMapper stock = mock(StockMapper.class);

	private final OrderEffects effects = mock(OrderEffects.class);

	private final DuplicateMessageDetector dedupe = mock(DuplicateMessageDetector.class);

	private final TransactionBarrier barrier = mock(TransactionBarrier.class);

	private final TransactionalReplies replies = mock(TransactionalReplies.class);

	private final RecordingTransactions transactions = new RecordingTransactions();

	private final List<String> replyTags = new ArrayList<>();

	/** Whether each reply was committed (true) or rolled back (false), in order. */
	private final List<Boolean> replyEnds = new ArrayList<>();

	private final IncomingMessage message = new IncomingMessage(OrderCreated.TAG, "42", "msg-1", 1);

	private InventoryConsumer inventory;

	@BeforeEach
	void wire() throws Exception {
		// The effect row inserted: a new order, no read of its state.
		when(this.effects.lockRow(anyString(), anyLong(), anyString())).thenReturn(1);
		when(this.dedupe.firstDelivery(any(), anyString(), any())).thenReturn(true);
		when(this.replies.publish(anyString(), anyString(), anyString(), any(), any())).thenAnswer(call -> {
			this.replyTags.add(call.getArgument(1));
			TransactionalReplies.LocalTransaction<?> local = call.getArgument(4);
			TransactionalReplies.Decided<?> decided = local.run("tx-" + this.replyTags.size());
			this.replyEnds.add(decided.commit());
			return decided.result();
		});
		ConsumerSettings settings = new ConsumerSettings("127.0.0.1:9876", "order-events", "inventory-events",
				"inventory-replies-tx", Duration.ofSeconds(3), Duration.ofSeconds(10),
				new ConsumerSettings.Group("inventory", 8), new ConsumerSettings.Group("points", 8));
		this.inventory = new InventoryConsumer(this.stock, this.effects, this.dedupe,
				new TransactionTemplate(this.transactions), this.barrier, this.replies, JsonMapper.shared(), null, null,
				settings, new StaticListableBeanFactory().getBeanProvider(ConsumerProbe.class));
	}

	@Test
	void aReservationTheStockRowStillAllowsCommitsWithItsReply() throws Exception {
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)));
		when(this.stock.reserve(SKU, 2)).thenReturn(1);

		assertThat(this.inventory.reserve(order(2), this.message)).isEqualTo(Outcome.APPLIED);

		InOrder order = inOrder(this.barrier, this.effects, this.dedupe, this.stock);
		order.verify(this.barrier).enter("tx-1");
		// Created APPLIED: the effect that follows completes it, with no UPDATE of its
		// own.
		order.verify(this.effects).lockRow("inventory", ORDER_ID, "APPLIED");
		order.verify(this.dedupe).firstDelivery(this.message, "inventory", Outcome.APPLIED);
		order.verify(this.stock).insertReservations(eq(ORDER_ID), anyCollection());
		order.verify(this.stock).reserve(SKU, 2);
		order.verifyNoMoreInteractions();
		verify(this.stock, never()).lockLevels(anyCollection());
		assertThat(this.transactions.outcomes).containsExactly("commit");
		assertThat(this.replyTags).containsExactly(InventoryDecided.RESERVED);
		assertThat(this.replyEnds).as("committed").containsExactly(true);
	}

	@Test
	void stockTakenBetweenThePlanAndTheTransactionRollsBackAndIsPlannedAgain() throws Exception {
		// Planned from 5 available; another order takes them before this one's guarded
		// UPDATE, which then changes nothing.
		when(this.stock.levels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 5)),
				List.of(new StockLevel(SKU, 0)));
		when(this.stock.reserve(SKU, 2)).thenReturn(0);
		when(this.stock.lockLevels(anyCollection())).thenReturn(List.of(new StockLevel(SKU, 0)));

		assertThat(this.inventory.reserve(order(2), this.message)).isEqualTo(Outcome.REJECTED);

		assertThat(this.transactions.outcomes).containsExactly("rollback", "commit");
		assertThat(this.replyTags).containsExactly(InventoryDecided.RESERVED, InventoryDecided.REJECTED);
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

	private static OrderCreated order(int quantity) {
		return new OrderCreated(Long.toString(ORDER_ID), "u-1",
				List.of(new OrderCreated.Line(SKU, quantity, new BigDecimal("1.00"))), new BigDecimal("2.00"),
				Instant.now());
	}

	/** Runs the callback in place and records whether each transaction committed. */
	private static final class RecordingTransactions implements PlatformTransactionManager {

		private final List<String> outcomes = new ArrayList<>();

		@Override
		public TransactionStatus getTransaction(TransactionDefinition definition) {
			return new SimpleTransactionStatus();
		}

		@Override
		public void commit(TransactionStatus status) {
			this.outcomes.add(status.isRollbackOnly() ? "rollback" : "commit");
		}

		@Override
		public void rollback(TransactionStatus status) {
			this.outcomes.add("rollback");
		}

	}

}
