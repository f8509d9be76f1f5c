package io.txorders.producer.order;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every way a local transaction can end, through the real listener, broker and database:
 * rolled back, unknown (then settled by the broker's check-back), and raced by a
 * check-back.
 */
@ProducerServiceTest
class LocalTransactionOutcomesIT {

	private static final Duration CHECK_BACK = Duration.ofSeconds(60);

	private static final ExecutorService threads = Executors.newCachedThreadPool();

	@Autowired
	private Api api;

	@Autowired
	private ScriptedProbe probe;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private TransactionBarrier barrier;

	@AfterAll
	static void stopThreads() {
		threads.shutdownNow();
	}

	@Test
	void aLocalTransactionRefusedByTheDatabaseLeavesNoOrderAndNoMessage() throws Exception {
		ScriptedProbe.Script script = this.probe.next()
			.beforeCommit(txId -> this.jdbc.update(
					"INSERT INTO order_item (order_id, line_no, sku, quantity, unit_price) VALUES (-1, 1, 'NO-ORDER', 1, 1)"));

		Response response = this.api.placeOrder(Api.newKey(), Api.order("u-rollback", "BOOK-001", 1));

		assertThat(response.status()).as(response.toString()).isEqualTo(500);
		assertThat(response.body().get("title").asString()).isEqualTo("Order not stored");
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		assertThat(ordersOf("u-rollback")).isZero();
		assertThat(committedRecords(txId)).isZero();
		assertNeverDelivered(txId);
	}

	@Test
	void aCommittedOrderAnsweredUnknownIsCommittedByTheCheckBack() throws Exception {
		ScriptedProbe.Script script = this.probe.next().answer(TransactionResolution.UNKNOWN);

		Response response = this.api.placeOrder(Api.newKey(), Api.order("u-unknown-commit", "BOOK-002", 1));

		assertThat(response.status()).as("the row exists, so the client hears 201: " + response).isEqualTo(201);
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		try (TopicProbe topic = new TopicProbe(LocalInfra.shared().nameServer(), "order-events")) {
			assertThat(topic.awaitProperty(CHECK_BACK, "txId", txId)).hasSize(1);
		}
		assertThat(state(txId)).isEqualTo("COMMITTED");
	}

	@Test
	void aCommitThatFailsLeavesTheOutcomeUnknownAndTheCheckBackRollsItBack() throws Exception {
		// A real fault: another connection kills the transaction's connection just before
		// COMMIT, so the commit fails and the producer cannot know what the database did.
		ScriptedProbe.Script script = this.probe.next().beforeCommit(txId -> killConnectionOfThisTransaction());

		Response response = this.api.placeOrder(Api.newKey(), Api.order("u-commit-lost", "BOOK-002", 1));

		assertThat(response.status()).as(response.toString()).isEqualTo(503);
		assertThat(response.header("Retry-After")).isEqualTo("1");
		assertThat(response.body().get("detail").asString()).contains("retry with the same Idempotency-Key");
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		await("the broker's check-back answered ROLLBACK").atMost(CHECK_BACK)
			.until(() -> "ROLLED_BACK".equals(state(txId)));
		assertThat(ordersOf("u-commit-lost")).isZero();
		assertNeverDelivered(txId);
	}

	@Test
	void aCancelWhoseCommitFailsIsSettledFromItsOwnBarrierRowAndCanBeRetried() throws Exception {
		Response placed = this.api.placeOrder(Api.newKey(), Api.order("u-cancel-lost", "BOOK-001", 1));
		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		String orderId = placed.body().get("orderId").asString();
		ScriptedProbe.Script script = this.probe.next().beforeCommit(txId -> killConnectionOfThisTransaction());

		Response lost = cancel(orderId);

		// The COMMIT failed: the cancel's own barrier row decides, claimed now as the
		// check-back would (not the order's status, which another cancel may move).
		assertThat(lost.status()).as(lost.toString()).isEqualTo(503);
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		assertThat(state(txId)).isEqualTo("ROLLED_BACK");
		assertThat(this.api.get("/orders/" + orderId).body().get("status").asString()).isEqualTo("CREATED");
		assertNeverDelivered(txId);

		Response retried = cancel(orderId);
		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		assertThat(retried.body().get("status").asString()).isEqualTo("CANCELLED");
	}

	private Response cancel(String orderId) {
		return this.api
			.send(java.net.http.HttpRequest.newBuilder(this.api.base().resolve("/orders/" + orderId + "/cancel"))
				.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
	}

	@Test
	void aLocalTransactionThatFailsBeforeItsCommitIsRolledBackAtOnce() throws Exception {
		ScriptedProbe.Script script = this.probe.next().beforeCommit(txId -> {
			throw new QueryTimeoutException("test: statement timed out");
		});

		Response response = this.api.placeOrder(Api.newKey(), Api.order("u-failed", "BOOK-002", 1));

		assertThat(response.status()).as(response.toString()).isEqualTo(503);
		assertThat(response.body().get("detail").asString()).contains("nothing was written");
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		assertThat(ordersOf("u-failed")).isZero();
		assertThat(committedRecords(txId)).isZero();
		assertNeverDelivered(txId);
	}

	@Test
	void aCheckBackDuringTheOpenLocalTransactionWaitsForItsCommit() throws Exception {
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ScriptedProbe.Script script = this.probe.next().beforeCommit(txId -> {
			inside.countDown();
			awaitLatch(release);
		});

		CompletableFuture<Response> response = CompletableFuture
			.supplyAsync(() -> this.api.placeOrder(Api.newKey(), Api.order("u-race-commit", "BOOK-001", 1)), threads);
		assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		CompletableFuture<TransactionResolution> checkBack = CompletableFuture
			.supplyAsync(() -> this.barrier.resolve(txId), threads);
		await("check-back blocked on the open local transaction").atMost(Duration.ofSeconds(10))
			.until(() -> checkBacksWaitingForALock() >= 1);
		assertThat(checkBack).isNotDone();

		release.countDown();

		assertThat(checkBack.get(10, TimeUnit.SECONDS)).isEqualTo(TransactionResolution.COMMIT);
		assertThat(response.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
		assertThat(state(txId)).isEqualTo("COMMITTED");
	}

	@Test
	void aLocalTransactionThatStartsAfterARollbackAnswerFailsAndPlacesNothing() throws Exception {
		CountDownLatch halfSent = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ScriptedProbe.Script script = this.probe.next().beforeLocalTransaction(txId -> {
			halfSent.countDown();
			awaitLatch(release);
		});

		CompletableFuture<Response> response = CompletableFuture
			.supplyAsync(() -> this.api.placeOrder(Api.newKey(), Api.order("u-race-rollback", "BOOK-001", 1)), threads);
		assertThat(halfSent.await(30, TimeUnit.SECONDS)).isTrue();
		String txId = script.txId.get(1, TimeUnit.SECONDS);
		assertThat(this.barrier.resolve(txId)).isEqualTo(TransactionResolution.ROLLBACK);

		release.countDown();

		Response placed = response.get(30, TimeUnit.SECONDS);
		assertThat(placed.status()).as(placed.toString()).isEqualTo(503);
		assertThat(placed.body().get("detail").asString()).contains("rolled it back");
		assertThat(ordersOf("u-race-rollback")).isZero();
		assertThat(state(txId)).isEqualTo("ROLLED_BACK");
		assertNeverDelivered(txId);
	}

	/**
	 * A rolled-back half message never reaches the topic. Proven against a marker order
	 * placed afterwards: once the marker is delivered, the earlier transaction's answer
	 * was processed.
	 */
	private void assertNeverDelivered(String txId) throws Exception {
		Response marker = this.api.placeOrder(Api.newKey(), Api.order("u-marker", "STICKER-1", 1));
		assertThat(marker.status()).isEqualTo(201);
		String markerId = marker.body().get("orderId").asString();
		try (TopicProbe topic = new TopicProbe(LocalInfra.shared().nameServer(), "order-events")) {
			topic.awaitKeys(CHECK_BACK, markerId);
			assertThat(topic.withProperty("txId", txId)).isEmpty();
		}
	}

	private void killConnectionOfThisTransaction() {
		long connectionId = this.jdbc.queryForObject("SELECT CONNECTION_ID()", Long.class);
		new JdbcTemplate(LocalInfra.shared().ordersDataSource()).execute("KILL " + connectionId);
	}

	/**
	 * Check-backs (the barrier's {@code INSERT IGNORE}) waiting for a row lock. Only the
	 * statement's text tells whose they are, and with server-side prepared statements it
	 * shows {@code ?} where the transaction id goes; this test runs one check-back.
	 */
	private int checkBacksWaitingForALock() {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM information_schema.INNODB_TRX"
						+ " WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE 'INSERT IGNORE INTO transaction_record%'",
				Integer.class);
	}

	private int ordersOf(String userId) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE user_id = ?", Integer.class, userId);
	}

	private int committedRecords(String txId) {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM transaction_record WHERE tx_id = ? AND state = 'COMMITTED'", Integer.class, txId);
	}

	private String state(String txId) {
		return this.jdbc.queryForList("SELECT state FROM transaction_record WHERE tx_id = ?", String.class, txId)
			.stream()
			.findFirst()
			.orElse(null);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			if (!latch.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("test latch never released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
