package io.txorders.checkback;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With no producer left in the group, the standalone checkback process alone resolves the
 * half messages the producer left UNKNOWN: it commits the one whose local transaction
 * committed and rolls back the one whose local transaction never did.
 */
class StandaloneCheckbackIT {

	private static final String GROUP = "order-service-tx";

	private static final String TOPIC = "order-events";

	private static LocalInfra infra;

	private static ConfigurableApplicationContext checkback;

	@BeforeAll
	static void startCheckback() {
		infra = LocalInfra.shared();
		checkback = new SpringApplicationBuilder(CheckbackApplication.class).run("--server.port=0",
				"--spring.datasource.url=" + infra.ordersJdbcUrl(), "--spring.datasource.username=" + infra.dbUser(),
				"--spring.datasource.password=" + infra.dbPassword(),
				"--txorders.messaging.name-server=" + infra.nameServer());
	}

	@AfterAll
	static void stopCheckback() {
		if (checkback != null) {
			checkback.close();
		}
	}

	@Test
	void resolvesTransactionsLeftUnknownWhileEveryProducerIsDown() throws Exception {
		TransactionBarrier barrier = checkback.getBean(TransactionBarrier.class);
		TransactionTemplate transactions = new TransactionTemplate(
				new DataSourceTransactionManager(infra.ordersDataSource()));
		String committedTx = UUID.randomUUID().toString();
		String abandonedTx = UUID.randomUUID().toString();

		// A producer that commits one local transaction, abandons the other, answers
		// UNKNOWN for
		// both, and then goes away before the broker asks.
		TransactionMQProducer producer = new TransactionMQProducer(GROUP);
		producer.setNamesrvAddr(infra.nameServer());
		producer.setInstanceName("dying-producer");
		producer.setTransactionListener(new TransactionListener() {
			@Override
			public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
				if (msg.getKeys().equals(committedTx)) {
					transactions.executeWithoutResult(status -> barrier.enter(committedTx));
				}
				return LocalTransactionState.UNKNOW;
			}

			@Override
			public LocalTransactionState checkLocalTransaction(MessageExt msg) {
				throw new AssertionError("the dying producer must not be asked");
			}
		});
		producer.start();
		for (String txId : new String[] { committedTx, abandonedTx }) {
			Message message = new Message(TOPIC, "OrderCreated", txId,
					("{\"tx\":\"" + txId + "\"}").getBytes(StandardCharsets.UTF_8));
			message.putUserProperty(TransactionIds.PROPERTY, txId);
			TransactionSendResult sent = producer.sendMessageInTransaction(message, null);
			assertThat(sent.getLocalTransactionState()).isEqualTo(LocalTransactionState.UNKNOW);
		}
		producer.shutdown();

		JdbcTemplate jdbc = new JdbcTemplate(infra.ordersDataSource());
		await("checkback recorded its ROLLBACK answer").atMost(Duration.ofSeconds(60))
			.until(() -> jdbc.queryForList("SELECT state FROM transaction_record WHERE tx_id = ?", String.class,
					abandonedTx), states -> states.equals(java.util.List.of("ROLLED_BACK")));

		try (TopicProbe topic = new TopicProbe(infra.nameServer(), TOPIC)) {
			assertThat(topic.awaitKeys(Duration.ofSeconds(60), committedTx).get(committedTx)).hasSize(1);
			assertThat(topic.withKey(abandonedTx)).as("a rolled-back half message is never delivered").isEmpty();
		}
		assertThat(barrier.resolve(committedTx)).isEqualTo(TransactionResolution.COMMIT);
	}

}
