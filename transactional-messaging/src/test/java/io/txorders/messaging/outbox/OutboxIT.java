package io.txorders.messaging.outbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.OrderRows;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.outbox.OutboxRows.Claim;
import io.txorders.messaging.outbox.OutboxRows.Row;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.messaging.spi.MessagingProbe;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The local message table on the real broker and database: an event whose broker cannot
 * be reached is written with its rows and published later by the relay, once, however
 * many relays race for it; outbox-only mode never sends a half message on the caller's
 * path.
 */
class OutboxIT {

	private static final String TOPIC = "order-events";

	private static final Duration DELIVERY = Duration.ofSeconds(30);

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static DataSource database;

	private static JdbcTemplate jdbc;

	private static OrderRows orders;

	private static TransactionBarrier barrier;

	private static OutboxRows rows;

	private static TopicProbe topic;

	private static TransactionalPublisher up;

	private static final FailingMark failingMark = new FailingMark();

	@BeforeAll
	static void publisherOnTheLocalStack() {
		LocalInfra infra = LocalInfra.shared();
		database = infra.ordersDataSource();
		jdbc = new JdbcTemplate(database);
		orders = new OrderRows(jdbc, TOPIC);
		barrier = new TransactionBarrier(database, Duration.ofSeconds(5), new SimpleMeterRegistry());
		rows = new OutboxRows(database);
		up = publisher(infra.nameServer(), OutboxMode.FALLBACK, failingMark);
		topic = new TopicProbe(infra.nameServer(), TOPIC);
	}

	@AfterAll
	static void stop() {
		if (topic != null) {
			topic.close();
		}
		if (up != null) {
			up.shutdown();
		}
	}

	@Test
	void anEventTheBrokerCouldNotTakeWaitsWithItsRowsAndTheRelayPublishesItOnce() {
		TransactionalPublisher down = publisher(unreachableNameServer(), OutboxMode.FALLBACK, MessagingProbe.NONE);
		long orderId = OrderRows.newOrderId();
		try {
			Published<String> published = down.publish(orders.orderCreated(orderId), txId -> {
				orders.insert(orderId, txId);
				return Decision.commit(txId);
			});

			assertThat(published.status()).isEqualTo(Status.COMMITTED);
			assertThat(published.queued()).as("written to the local message table").isTrue();
			assertThat(orders.txIds(orderId)).containsExactly(published.result());
			Row row = waiting(orderId);
			assertThat(row.reason()).isEqualTo("UNREACHABLE");
			assertThat(row.txId()).isEqualTo(published.result());
		}
		finally {
			down.shutdown();
		}

		relay(up).relayOnce();

		List<MessageExt> delivered = topic.awaitKeys(DELIVERY, OrderRows.key(orderId)).get(OrderRows.key(orderId));
		assertThat(rowsFor(orderId)).as("the row is gone once published").isEmpty();
		topic.readAll(Duration.ofSeconds(2));
		assertThat(topic.withKey(OrderRows.key(orderId))).hasSize(1).isEqualTo(delivered);
		String relayTx = delivered.get(0).getUserProperty(TransactionIds.PROPERTY);
		assertThat(jdbc.queryForList("SELECT state FROM transaction_record WHERE tx_id = ?", String.class, relayTx))
			.as("the relay's own transaction, which deleted the row, is in the barrier for its check-back")
			.containsExactly("COMMITTED");
	}

	@Test
	void aRollbackWritesNeitherTheRowsNorTheEventToTheTable() {
		TransactionalPublisher down = publisher(unreachableNameServer(), OutboxMode.FALLBACK, MessagingProbe.NONE);
		long orderId = OrderRows.newOrderId();
		try {
			Published<String> published = down.publish(orders.orderCreated(orderId), txId -> {
				orders.insert(orderId, txId);
				return Decision.rollback(txId);
			});

			assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
			assertThat(orders.txIds(orderId)).isEmpty();
			assertThat(rowsFor(orderId)).isEmpty();
		}
		finally {
			down.shutdown();
		}
	}

	@Test
	void afterFailedSendsTheBreakerSkipsTheBrokerAndAWithoutFallbackPublisherWritesNothing() {
		TransactionalPublisher down = publisher(unreachableNameServer(), OutboxMode.FALLBACK, MessagingProbe.NONE);
		TransactionalPublisher noFallback = publisher(unreachableNameServer(), OutboxMode.OFF, MessagingProbe.NONE);
		try {
			for (int i = 0; i < 3; i++) {
				long orderId = OrderRows.newOrderId();
				down.publish(orders.orderCreated(orderId), txId -> {
					orders.insert(orderId, txId);
					return Decision.commit(txId);
				});
			}
			assertThat(down.brokerSkipped()).as("open after three sends that found no broker").isTrue();
			long skipped = OrderRows.newOrderId();
			down.publish(orders.orderCreated(skipped), txId -> {
				orders.insert(skipped, txId);
				return Decision.commit(txId);
			});
			assertThat(waiting(skipped).reason()).isEqualTo("BREAKER_OPEN");
			assertThat(down.brokerSkipped()).as("still open: the skipped event tried no send to close it").isTrue();

			long refused = OrderRows.newOrderId();
			assertThatThrownBy(() -> noFallback.publish(orders.orderCreated(refused), txId -> {
				orders.insert(refused, txId);
				return Decision.commit(txId);
			})).isInstanceOf(TransactionalPublisher.NotPublished.class)
				.hasMessageContaining("nothing was written")
				.satisfies(ex -> assertThat(((TransactionalPublisher.NotPublished) ex).notStored()).isTrue());
			assertThat(orders.txIds(refused)).isEmpty();
			assertThat(rowsFor(refused)).isEmpty();
		}
		finally {
			down.shutdown();
			noFallback.shutdown();
		}
		// What this test queued is published too, so the table is left empty.
		relay(up).relayOnce();
	}

	@Test
	void outboxOnlyModeQueuesEveryEventAndItsRelayPublishesItAtOnce() {
		TransactionalPublisher always = publisher(LocalInfra.shared().nameServer(), OutboxMode.ALWAYS,
				MessagingProbe.NONE);
		OutboxRelay relay = relay(always);
		relay.start();
		long orderId = OrderRows.newOrderId();
		try {
			Published<String> published = always.publish(orders.orderCreated(orderId), txId -> {
				orders.insert(orderId, txId);
				return Decision.commit(txId);
			});

			assertThat(published.queued()).isTrue();
			List<MessageExt> delivered = topic.awaitKeys(DELIVERY, OrderRows.key(orderId)).get(OrderRows.key(orderId));
			assertThat(delivered).hasSize(1);
			assertThat(delivered.get(0).getUserProperty(TransactionIds.PROPERTY))
				.as("published by the relay's transaction, not the order's")
				.isNotEqualTo(published.result());
			await().atMost(Duration.ofSeconds(10)).until(() -> rowsFor(orderId).isEmpty());
		}
		finally {
			relay.stop();
			always.shutdown();
		}
	}

	@Test
	void twoRelaysThatTakeOneRowPublishItOnce() {
		long orderId = OrderRows.newOrderId();
		queue(orderId);
		OutboxRelay first = relay(up);
		OutboxRelay second = relay(up);

		// The first relay's claim runs out before it publishes; the second takes the row.
		Claim stale = rows.claim(1000, Duration.ZERO);
		Row row = stale.rows()
			.stream()
			.filter(r -> r.event().key().equals(OrderRows.key(orderId)))
			.findFirst()
			.orElseThrow();
		Claim current = rows.claim(1000, LEASE);
		assertThat(current.rows()).extracting(Row::id).contains(row.id());

		assertThat(first.relay(row, stale.token())).isTrue();
		assertThat(rowsFor(orderId)).as("the stale claim could not delete it").hasSize(1);
		for (Row claimed : current.rows()) {
			second.relay(claimed, current.token());
		}

		topic.awaitKeys(DELIVERY, OrderRows.key(orderId));
		topic.readAll(Duration.ofSeconds(3));
		assertThat(topic.withKey(OrderRows.key(orderId))).as("the stale relay's half message was rolled back")
			.hasSize(1);
		assertThat(rowsFor(orderId)).isEmpty();
	}

	@Test
	void aRelayThatFailsBeforeMarkingTheRowLeavesItForALaterAttemptAndNothingIsPublished() {
		long orderId = OrderRows.newOrderId();
		queue(orderId);
		OutboxRelay relay = relay(up);
		failingMark.failNext.set(1);

		Claim claim = rows.claim(1000, LEASE);
		Row row = claim.rows()
			.stream()
			.filter(r -> r.event().key().equals(OrderRows.key(orderId)))
			.findFirst()
			.orElseThrow();
		relay.relay(row, claim.token());
		rows.release(claim.token());

		Row retried = waiting(orderId);
		assertThat(retried.attempts()).isEqualTo(1);
		assertThat(retried.lastError()).contains("failed before marking");
		assertThat(retried.nextAttemptAt()).isAfter(row.createdAt());
		topic.readAll(Duration.ofSeconds(3));
		assertThat(topic.withKey(OrderRows.key(orderId))).as("the half message was rolled back").isEmpty();

		jdbc.update("UPDATE outbox_message SET next_attempt_at = NOW(3) WHERE id = ?", row.id());
		await().atMost(DELIVERY).until(() -> {
			relay.relayOnce();
			return rowsFor(orderId).isEmpty();
		});
		assertThat(topic.awaitKeys(DELIVERY, OrderRows.key(orderId)).get(OrderRows.key(orderId))).hasSize(1);
	}

	private static void queue(long orderId) {
		TransactionalPublisher down = publisher(unreachableNameServer(), OutboxMode.FALLBACK, MessagingProbe.NONE);
		try {
			down.publish(orders.orderCreated(orderId), txId -> {
				orders.insert(orderId, txId);
				return Decision.commit(txId);
			});
		}
		finally {
			down.shutdown();
		}
		assertThat(rowsFor(orderId)).hasSize(1);
	}

	private static TransactionalPublisher publisher(String nameServer, OutboxMode mode, MessagingProbe probe) {
		TransactionalPublisher publisher = new TransactionalPublisher(new TransactionalPublisher.Settings(nameServer,
				"it-outbox-" + UUID.randomUUID().toString().substring(0, 8), List.of(TOPIC), Duration.ofSeconds(3), 2),
				barrier, new TransactionTemplate(new DataSourceTransactionManager(database)), probe,
				new SimpleMeterRegistry(),
				new TransactionalPublisher.Outbox((mode == OutboxMode.OFF) ? null : rows, mode, Duration.ofMinutes(1)));
		publisher.start();
		return publisher;
	}

	private static OutboxRelay relay(TransactionalPublisher publisher) {
		return new OutboxRelay(rows, publisher, barrier, failingMark, new SimpleMeterRegistry(),
				new OutboxRelay.Settings(1, 1000, Duration.ofMillis(200), LEASE, Duration.ofSeconds(30),
						Duration.ofMinutes(1)));
	}

	/** A NameServer address where nothing listens. */
	private static String unreachableNameServer() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return "127.0.0.1:" + socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Row waiting(long orderId) {
		List<Row> found = rowsFor(orderId);
		assertThat(found).as("waiting in the local message table").hasSize(1);
		return found.get(0);
	}

	private static List<Row> rowsFor(long orderId) {
		return rows.oldest(500).stream().filter(row -> row.event().key().equals(OrderRows.key(orderId))).toList();
	}

	/** Fails the relay's mark the next n times, as a relay that dies before it marks. */
	static final class FailingMark implements MessagingProbe {

		final AtomicInteger failNext = new AtomicInteger();

		@Override
		public void beforeRelayMark(OutgoingEvent event, String txId) {
			if (this.failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				throw new IllegalStateException("the relay failed before marking the row");
			}
		}

	}

}
