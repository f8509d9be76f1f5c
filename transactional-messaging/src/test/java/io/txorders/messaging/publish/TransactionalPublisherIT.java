package io.txorders.messaging.publish;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.OrderRows;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishing on the real broker and the real database: the event is delivered exactly
 * when the rows its local transaction wrote are committed, and an answer the broker never
 * got is settled by its check-back, which the barrier answers from the database.
 */
class TransactionalPublisherIT {

	private static final String TOPIC = "order-events";

	private static final Duration DELIVERY = Duration.ofSeconds(30);

	private static final RecordingProbe probe = new RecordingProbe();

	private static JdbcTemplate jdbc;

	private static OrderRows orders;

	private static TransactionBarrier barrier;

	private static TransactionalPublisher publisher;

	private static TopicProbe topic;

	@BeforeAll
	static void publisherOnTheLocalStack() {
		LocalInfra infra = LocalInfra.shared();
		DataSource database = infra.ordersDataSource();
		jdbc = new JdbcTemplate(database);
		orders = new OrderRows(jdbc, TOPIC);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		barrier = new TransactionBarrier(database, Duration.ofSeconds(5), meters);
		publisher = new TransactionalPublisher(
				new TransactionalPublisher.Settings(infra.nameServer(),
						"it-publisher-" + UUID.randomUUID().toString().substring(0, 8), List.of(TOPIC),
						Duration.ofSeconds(5), 2),
				barrier, new TransactionTemplate(new DataSourceTransactionManager(database)), probe, meters);
		publisher.start();
		topic = new TopicProbe(infra.nameServer(), TOPIC);
	}

	@AfterAll
	static void stop() {
		if (topic != null) {
			topic.close();
		}
		if (publisher != null) {
			publisher.shutdown();
		}
	}

	@AfterEach
	void answerAsDecidedAgain() {
		probe.answerAsDecided();
	}

	@Test
	void aCommittedLocalTransactionLeavesItsRowAndTheEventIsDelivered() {
		long orderId = OrderRows.newOrderId();

		Published<String> published = publisher.publish(orders.orderCreated(orderId), (txId) -> {
			orders.insert(orderId, txId);
			return Decision.commit(txId);
		});

		assertThat(published.status()).isEqualTo(Status.COMMITTED);
		String txId = published.result();
		assertThat(orders.txIds(orderId)).containsExactly(txId);
		assertThat(barrierState(txId)).containsExactly("COMMITTED");
		List<MessageExt> delivered = topic.awaitKeys(DELIVERY, OrderRows.key(orderId)).get(OrderRows.key(orderId));
		assertThat(delivered).isNotEmpty()
			.allSatisfy(message -> assertThat(message.getUserProperty(TransactionIds.PROPERTY)).isEqualTo(txId))
			.allSatisfy(message -> assertThat(message.getTags()).isEqualTo("OrderCreated"));
	}

	@Test
	void aLocalTransactionThatRollsBackOrFailsLeavesNoRowAndNoEvent() {
		long decidedRollback = OrderRows.newOrderId();
		long failed = OrderRows.newOrderId();
		long afterThem = OrderRows.newOrderId();

		Published<String> rolledBack = publisher.publish(orders.orderCreated(decidedRollback), (txId) -> {
			orders.insert(decidedRollback, txId);
			return Decision.rollback(txId);
		});
		Published<String> threw = publisher.publish(orders.orderCreated(failed), (txId) -> {
			orders.insert(failed, txId);
			throw new IllegalStateException("refused after the insert");
		});
		publisher.publish(orders.orderCreated(afterThem), (txId) -> {
			orders.insert(afterThem, txId);
			return Decision.commit(txId);
		});

		assertThat(rolledBack.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(threw.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(threw.failure()).hasMessage("refused after the insert");
		assertThat(orders.txIds(decidedRollback)).isEmpty();
		assertThat(orders.txIds(failed)).isEmpty();
		assertThat(barrierState(rolledBack.result())).as("the barrier's row rolled back too").isEmpty();
		assertThat(barrier.resolve(rolledBack.result())).as("a check-back would answer")
			.isEqualTo(TransactionResolution.ROLLBACK);

		// The event published after them arrives; then read on past one check-back cycle
		// (about a second on the local stack).
		topic.awaitKeys(DELIVERY, OrderRows.key(afterThem));
		topic.readAll(Duration.ofSeconds(3));
		assertThat(topic.withKey(OrderRows.key(decidedRollback))).isEmpty();
		assertThat(topic.withKey(OrderRows.key(failed))).isEmpty();
	}

	@Test
	void anUnknownAnswerIsSettledByTheCheckBackAndTheEventIsDelivered() {
		long orderId = OrderRows.newOrderId();
		probe.answerInstead(TransactionResolution.UNKNOWN);

		Published<String> published = publisher.publish(orders.orderCreated(orderId), (txId) -> {
			orders.insert(orderId, txId);
			return Decision.commit(txId);
		});

		assertThat(published.status()).as("the caller sees its commit").isEqualTo(Status.COMMITTED);
		String txId = published.result();
		List<MessageExt> delivered = topic.awaitKeys(DELIVERY, OrderRows.key(orderId)).get(OrderRows.key(orderId));
		assertThat(delivered).isNotEmpty()
			.allSatisfy(message -> assertThat(message.getUserProperty(TransactionIds.PROPERTY)).isEqualTo(txId));
		assertThat(jdbc.queryForList("SELECT answer FROM checkback_answer WHERE tx_id = ?", String.class, txId))
			.as("answered by the barrier")
			.isNotEmpty()
			.containsOnly("COMMIT");
	}

	private static List<String> barrierState(String txId) {
		return jdbc.queryForList("SELECT state FROM transaction_record WHERE tx_id = ?", String.class, txId);
	}

}
