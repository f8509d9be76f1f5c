package io.txorders.messaging.barrier;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.testsupport.LocalInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Drives every interleaving of a local transaction and a check-back against the real
 * database, deterministically: latches hold the local transaction open, and the test
 * waits until the database itself reports the check-back blocked on the row lock.
 */
class TransactionBarrierIT {

	private static DataSource dataSource;

	private static JdbcTemplate jdbc;

	private static TransactionTemplate transactions;

	// Threads of its own: the local transaction blocks, and the common pool may have a
	// single thread.
	private static final ExecutorService threads = Executors.newCachedThreadPool();

	private final TransactionBarrier barrier = new TransactionBarrier(dataSource, Duration.ofSeconds(10),
			new SimpleMeterRegistry());

	@BeforeAll
	static void database() {
		dataSource = LocalInfra.shared().ordersDataSource();
		jdbc = new JdbcTemplate(dataSource);
		transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	@Test
	void checkBackAfterACommittedLocalTransactionAnswersCommit() {
		String txId = newTxId();
		transactions.executeWithoutResult(status -> this.barrier.enter(txId));

		assertThat(this.barrier.resolve(txId)).isEqualTo(TransactionResolution.COMMIT);
		assertThat(this.barrier.resolve(txId)).as("asked twice, same answer").isEqualTo(TransactionResolution.COMMIT);
	}

	@Test
	void checkBackWithoutALocalCommitAnswersRollbackAndALaterLocalTransactionFails() {
		String txId = newTxId();

		assertThat(this.barrier.resolve(txId)).isEqualTo(TransactionResolution.ROLLBACK);
		assertThatThrownBy(() -> transactions.executeWithoutResult(status -> this.barrier.enter(txId)))
			.isInstanceOf(TransactionAlreadyResolvedException.class);
		assertThat(this.barrier.resolve(txId)).as("the late local transaction changed nothing")
			.isEqualTo(TransactionResolution.ROLLBACK);
		assertThat(stateOf(txId)).isEqualTo("ROLLED_BACK");
	}

	@ParameterizedTest(name = "the local transaction commits: {0}")
	@CsvSource({ "true, COMMIT, COMMITTED", "false, ROLLBACK, ROLLED_BACK" })
	void checkBackDuringAnOpenLocalTransactionWaitsForItsOutcome(boolean commits, TransactionResolution expected,
			String recorded) throws Exception {
		String txId = newTxId();
		OpenLocalTransaction local = OpenLocalTransaction.begin(this.barrier, txId, commits);

		CompletableFuture<TransactionResolution> answer = CompletableFuture
			.supplyAsync(() -> this.barrier.resolve(txId), threads);
		awaitCheckBackBlockedOn(txId);
		assertThat(answer).as("the check-back waits while the local transaction is open").isNotDone();

		local.finish();
		assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
		assertThat(stateOf(txId)).isEqualTo(recorded);
	}

	@Test
	void checkBackThatCannotGetTheLockInTimeAnswersUnknownAndLeavesTheOutcomeToTheLocalTransaction() throws Exception {
		String txId = newTxId();
		TransactionBarrier impatient = new TransactionBarrier(dataSource, Duration.ofSeconds(1),
				new SimpleMeterRegistry());
		OpenLocalTransaction local = OpenLocalTransaction.begin(this.barrier, txId, true);

		assertThat(impatient.resolve(txId)).isEqualTo(TransactionResolution.UNKNOWN);

		local.finish();
		assertThat(this.barrier.resolve(txId)).isEqualTo(TransactionResolution.COMMIT);
	}

	/**
	 * A user may run the barrier on a pool in manual-commit mode (HikariCP
	 * {@code auto-commit: false}; ours stay in auto-commit, see "Tried and not kept" in
	 * benchmark/README.md), where a statement outside a transaction is rolled back when
	 * its connection goes back to the pool. The check-back's claim and its journal row
	 * must still be committed.
	 */
	@Test
	void onAPoolInManualCommitModeTheAnswerAndItsJournalRowAreCommitted() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(LocalInfra.shared().ordersJdbcUrl());
		config.setUsername(LocalInfra.shared().dbUser());
		config.setPassword(LocalInfra.shared().dbPassword());
		config.setAutoCommit(false);
		config.setMaximumPoolSize(2);
		try (HikariDataSource manualCommit = new HikariDataSource(config)) {
			TransactionBarrier onManualCommit = new TransactionBarrier(manualCommit, Duration.ofSeconds(10),
					new SimpleMeterRegistry());
			String txId = newTxId();

			assertThat(onManualCommit.resolve(txId)).isEqualTo(TransactionResolution.ROLLBACK);

			// Read on other connections: only committed rows are visible there.
			assertThat(stateOf(txId)).isEqualTo("ROLLED_BACK");
			assertThat(jdbc.queryForList("SELECT answer FROM checkback_answer WHERE tx_id = ?", String.class, txId))
				.containsExactly("ROLLBACK");
		}
	}

	private static void awaitCheckBackBlockedOn(String txId) {
		await("check-back waiting on the row lock of " + txId).atMost(Duration.ofSeconds(10))
			.until(() -> jdbc.queryForObject(
					"SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE ?",
					Integer.class, "%" + txId + "%") == 1);
	}

	private static String stateOf(String txId) {
		return jdbc.queryForObject("SELECT state FROM transaction_record WHERE tx_id = ?", String.class, txId);
	}

	private static String newTxId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * A local transaction held open on its own thread after {@code enter}, until told to
	 * finish.
	 */
	private static final class OpenLocalTransaction {

		private final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		private CompletableFuture<Void> done;

		static OpenLocalTransaction begin(TransactionBarrier barrier, String txId, boolean commit)
				throws InterruptedException {
			OpenLocalTransaction local = new OpenLocalTransaction();
			local.done = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
				barrier.enter(txId);
				local.entered.countDown();
				try {
					local.release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				if (!commit) {
					status.setRollbackOnly();
				}
			}), threads);
			assertThat(local.entered.await(10, TimeUnit.SECONDS)).as("local transaction entered the barrier").isTrue();
			return local;
		}

		void finish() throws Exception {
			this.release.countDown();
			this.done.get(10, TimeUnit.SECONDS);
		}

	}

}
