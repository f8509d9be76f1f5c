package io.txorders.messaging.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.OrderRows;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.EffectRows;
import io.txorders.messaging.consume.EventConsumers;
import io.txorders.messaging.consume.EventHandler;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.outbox.OutboxMode;
import io.txorders.messaging.outbox.OutboxRows;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.messaging.spi.MessagingProbe;
import io.txorders.messaging.transport.BrokerConnection;
import io.txorders.testsupport.LocalInfra;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kit on the gRPC transport, on the real broker through its proxy: the same publisher
 * (half message, local transaction through the barrier, the answer rule) on client-java's
 * transactional producer, whose check-backs the barrier answers; and the same consumer
 * skeleton (dedupe) on client-java's push consumer. A proxy out of reach sends the event
 * to the local message table, as remoting's unreachable broker does. The proxy asks any
 * client that publishes the topic: halves another process left open are settled by the
 * kit's publisher here.
 */
class GrpcTransportIT {

	private static final String TOPIC = "order-events";

	private static final Duration DELIVERY = Duration.ofSeconds(60);

	private static final RecordingProbe probe = new RecordingProbe();

	private static final String GROUP = "it-grpc-" + UUID.randomUUID().toString().substring(0, 8);

	/** Every delivery the consumer group handled: key, attempt and outcome. */
	private static final Queue<String> deliveries = new ConcurrentLinkedQueue<>();

	/** Keys whose first delivery fails, once. */
	private static final Map<String, AtomicBoolean> failFirst = new java.util.concurrent.ConcurrentHashMap<>();

	private static JdbcTemplate jdbc;

	private static OrderRows orders;

	private static TransactionBarrier barrier;

	private static TransactionalPublisher publisher;

	private static EventConsumers consumers;

	private static DataSource database;

	@BeforeAll
	static void publisherAndConsumerThroughTheProxy() throws Exception {
		LocalInfra infra = LocalInfra.shared();
		database = infra.ordersDataSource();
		jdbc = new JdbcTemplate(database);
		orders = new OrderRows(jdbc, TOPIC);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
		barrier = new TransactionBarrier(database, Duration.ofSeconds(5), meters);
		BrokerConnection proxy = BrokerConnection.grpc(infra.proxy(), false);
		publisher = new TransactionalPublisher(new TransactionalPublisher.Settings(proxy, "it-grpc-publisher",
				List.of(TOPIC), Duration.ofSeconds(5), 2), barrier, transactions, probe, meters);
		publisher.start();

		createGroup(infra.nameServer(), GROUP);
		ExactlyOnce exactlyOnce = new ExactlyOnce(new EffectRows(jdbc),
				new DuplicateMessageDetector(jdbc, MessagingProbe.NONE), transactions, meters);
		EventHandler<Map> handler = EventHandler.of(Map.class, (event, message) -> {
			AtomicBoolean fail = failFirst.get(message.key());
			if (fail != null && fail.compareAndSet(true, false)) {
				deliveries.add(message.key() + " " + message.deliveryAttempt() + " FAILED");
				throw new IllegalStateException("the first delivery of " + message.key() + " fails");
			}
			Outcome outcome = exactlyOnce.apply(GROUP, message, () -> Outcome.APPLIED);
			deliveries.add(message.key() + " " + message.deliveryAttempt() + " " + outcome);
			return outcome;
		});
		consumers = new EventConsumers(proxy, Duration.ofSeconds(5),
				List.of(new EventConsumers.Subscription(GROUP, 2, TOPIC, Map.of("OrderCreated", handler))),
				JsonMapper.builder().build(), MessagingProbe.NONE, meters);
		consumers.start();
		// Receiving for real before any test asserts on deliveries.
		long warmUp = OrderRows.newOrderId();
		commit(warmUp);
		await("the push consumer receives through the proxy").atMost(DELIVERY)
			.until(() -> outcomes(warmUp).contains("APPLIED"));
	}

	/**
	 * The group must exist before a gRPC consumer joins it (the proxy does not create
	 * it).
	 */
	private static void createGroup(String nameServer, String group) throws Exception {
		ClientConfig config = new ClientConfig();
		config.setNamesrvAddr(nameServer);
		config.setInstanceName("it-grpc-admin-" + ProcessHandle.current().pid());
		MQClientInstance client = MQClientManager.getInstance().getOrCreateMQClientInstance(config);
		client.start();
		try {
			SubscriptionGroupConfig created = new SubscriptionGroupConfig();
			created.setGroupName(group);
			created.setRetryMaxTimes(3);
			for (BrokerData broker : client.getMQClientAPIImpl()
				.getTopicRouteInfoFromNameServer(TOPIC, 5000)
				.getBrokerDatas()) {
				client.getMQClientAPIImpl().createSubscriptionGroup(broker.selectBrokerAddr(), created, 5000);
			}
		}
		finally {
			client.shutdown();
		}
	}

	@AfterAll
	static void stop() {
		if (consumers != null) {
			consumers.stop();
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
	void aCommittedTransactionIsDeliveredAndAppliedOnce() {
		long orderId = OrderRows.newOrderId();

		Published<String> published = commit(orderId);

		assertThat(published.status()).isEqualTo(Status.COMMITTED);
		assertThat(published.queued()).as("sent as a half message, not through the table").isFalse();
		assertThat(orders.txIds(orderId)).containsExactly(published.result());
		await("delivered").atMost(DELIVERY).until(() -> outcomes(orderId).contains("APPLIED"));
	}

	@Test
	void aRolledBackTransactionLeavesNoRowAndIsNeverDelivered() {
		long rolledBack = OrderRows.newOrderId();
		long afterIt = OrderRows.newOrderId();

		Published<String> published = publisher.publish(orders.orderCreated(rolledBack), (txId) -> {
			orders.insert(rolledBack, txId);
			return Decision.rollback(txId);
		});
		commit(afterIt);

		assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(orders.txIds(rolledBack)).isEmpty();
		// The one sent after it arrives; then past a check-back cycle (about a second).
		await("the next one delivered").atMost(DELIVERY).until(() -> outcomes(afterIt).contains("APPLIED"));
		await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
		assertThat(outcomes(rolledBack)).isEmpty();
	}

	@Test
	void anUnknownAnswerIsSettledByTheCheckBackThroughTheBarrier() {
		long orderId = OrderRows.newOrderId();
		probe.answerInstead(TransactionResolution.UNKNOWN);

		Published<String> published = commit(orderId);

		assertThat(published.status()).as("the caller sees its commit").isEqualTo(Status.COMMITTED);
		await("delivered after the check-back").atMost(DELIVERY).until(() -> outcomes(orderId).contains("APPLIED"));
		assertThat(jdbc.queryForList("SELECT answer FROM checkback_answer WHERE tx_id = ?", String.class,
				published.result()))
			.as("the proxy's check-back, answered by the barrier")
			.isNotEmpty()
			.containsOnly("COMMIT");
	}

	@Test
	void halvesAProducerLeftUnknownWhenItWentAwayAreSettledByAnotherClientOfTheTopic() throws Exception {
		LocalInfra infra = LocalInfra.shared();
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
		long committed = OrderRows.newOrderId();
		long abandoned = OrderRows.newOrderId();
		String committedTx = UUID.randomUUID().toString();
		String abandonedTx = UUID.randomUUID().toString();
		// Another process's producer: it commits one local transaction, abandons the
		// other, ends neither, and closes before the proxy asks. The kit's publisher,
		// which publishes the same topic, is asked instead and answers from the barrier.
		ClientServiceProvider provider = ClientServiceProvider.loadService();
		try (Producer dying = provider.newProducerBuilder()
			.setClientConfiguration(
					BrokerConnection.grpc(infra.proxy(), false).grpcConfiguration(Duration.ofSeconds(5)))
			.setTopics(TOPIC)
			.setTransactionChecker((message) -> {
				throw new AssertionError("the closed producer must not be asked");
			})
			.build()) {
			for (long orderId : new long[] { committed, abandoned }) {
				String txId = (orderId == committed) ? committedTx : abandonedTx;
				Transaction transaction = dying.beginTransaction();
				dying.send(provider.newMessageBuilder()
					.setTopic(TOPIC)
					.setTag("OrderCreated")
					.setKeys(OrderRows.key(orderId))
					.addProperty(TransactionIds.PROPERTY, txId)
					.setBody(orders.orderCreated(orderId).body())
					.build(), transaction);
				if (orderId == committed) {
					transactions.executeWithoutResult((status) -> {
						barrier.enter(txId);
						orders.insert(orderId, txId);
					});
				}
			}
		}

		await("the abandoned one rolled back by the check-back").atMost(DELIVERY)
			.until(() -> jdbc.queryForList("SELECT answer FROM checkback_answer WHERE tx_id = ?", String.class,
					abandonedTx), (answers) -> answers.contains("ROLLBACK"));
		await("the committed one delivered after the check-back").atMost(DELIVERY)
			.until(() -> outcomes(committed).contains("APPLIED"));
		assertThat(jdbc.queryForList("SELECT answer FROM checkback_answer WHERE tx_id = ?", String.class, committedTx))
			.containsOnly("COMMIT");
		assertThat(outcomes(abandoned)).isEmpty();
	}

	@Test
	void aDuplicateDeliveryIsDedupedAndAFailedOneIsRedelivered() {
		long duplicated = OrderRows.newOrderId();
		long failing = OrderRows.newOrderId();
		failFirst.put(OrderRows.key(failing), new AtomicBoolean(true));

		// The same event twice, as a broker may deliver it (two committed copies).
		commit(duplicated);
		publisher.publish(orders.orderCreated(duplicated), (txId) -> Decision.commit(txId));
		commit(failing);

		await("both copies handled").atMost(DELIVERY)
			.untilAsserted(() -> assertThat(outcomes(duplicated)).containsExactlyInAnyOrder("APPLIED", "DUPLICATE"));
		await("redelivered after the failure").atMost(DELIVERY)
			.untilAsserted(() -> assertThat(deliveries).contains(OrderRows.key(failing) + " 1 FAILED",
					OrderRows.key(failing) + " 2 APPLIED"));
	}

	@Test
	void aProxyOutOfReachSendsTheEventToTheLocalMessageTable() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		TransactionalPublisher unreachable = new TransactionalPublisher(
				new TransactionalPublisher.Settings(BrokerConnection.grpc("127.0.0.1:1", false), "it-grpc-unreachable",
						List.of(TOPIC), Duration.ofSeconds(1), 1),
				barrier, new TransactionTemplate(new DataSourceTransactionManager(database)), MessagingProbe.NONE,
				meters, new TransactionalPublisher.Outbox(new OutboxRows(database), OutboxMode.FALLBACK,
						Duration.ofSeconds(5)));
		unreachable.start();
		long orderId = OrderRows.newOrderId();
		try {
			Published<String> published = unreachable.publish(orders.orderCreated(orderId), (txId) -> {
				orders.insert(orderId, txId);
				return Decision.commit(txId);
			});

			assertThat(published.status()).isEqualTo(Status.COMMITTED);
			assertThat(published.queued()).isTrue();
			assertThat(jdbc.queryForList("SELECT reason FROM outbox_message WHERE tx_id = ?", String.class,
					published.result()))
				.containsExactly("UNREACHABLE");
		}
		finally {
			unreachable.shutdown();
			// No relay of this module's other tests publishes it later.
			jdbc.update("DELETE FROM outbox_message WHERE message_key = ?", OrderRows.key(orderId));
		}
	}

	private static Published<String> commit(long orderId) {
		return publisher.publish(orders.orderCreated(orderId), (txId) -> {
			orders.insert(orderId, txId);
			return Decision.commit(txId);
		});
	}

	/** The outcomes of the deliveries of the order's event handled so far. */
	private static List<String> outcomes(long orderId) {
		String prefix = OrderRows.key(orderId) + " ";
		return deliveries.stream()
			.filter((delivery) -> delivery.startsWith(prefix))
			.map((delivery) -> delivery.substring(delivery.lastIndexOf(' ') + 1))
			.toList();
	}

}
