package io.txorders.messaging.barrier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Makes a broker check-back exact, after dtm-labs' barrier: one row per transaction id in
 * {@code transaction_record}, owned by whichever side writes it first.
 * <ul>
 * <li>The local transaction calls {@link #enter(String)} as its first statement,
 * inserting {@code COMMITTED}. The row commits or rolls back with the business data.</li>
 * <li>A check-back calls {@link #resolve(String)}, which inserts {@code ROLLED_BACK} with
 * {@code INSERT IGNORE} and reads the row back. While the local transaction is open, the
 * insert waits on its row lock; afterwards the row says what happened. If the local
 * transaction never wrote, the check-back's row wins, and a local transaction that starts
 * later fails on the duplicate key in {@link #enter(String)}.</li>
 * </ul>
 * So the answer comes from the database and is final: no guesses from the age of a
 * message.
 */
public class TransactionBarrier {

	private static final Logger log = LoggerFactory.getLogger(TransactionBarrier.class);

	/** Timer, tag answer (COMMIT, ROLLBACK, UNKNOWN). */
	public static final String CHECKBACKS = "txorders.checkback";

	static final String COMMITTED = "COMMITTED";

	static final String ROLLED_BACK = "ROLLED_BACK";

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final Duration lockWaitTimeout;

	private final CheckbackAnswers answers;

	private final Map<TransactionResolution, Timer> answered = new EnumMap<>(TransactionResolution.class);

	/**
	 * @param dataSource the database that owns the transactions
	 * @param lockWaitTimeout how long a check-back waits for an open local transaction
	 * before answering UNKNOWN (whole seconds, at least one)
	 * @param meters where check-back answers and their latency are recorded
	 * ({@code txorders.checkback}, tagged by answer)
	 */
	public TransactionBarrier(DataSource dataSource, Duration lockWaitTimeout, MeterRegistry meters) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.lockWaitTimeout = lockWaitTimeout;
		this.answers = new CheckbackAnswers(dataSource);
		// Every answer's series exists from the start, at zero, so the alerts and
		// dashboards built on it have a series before the first check-back.
		for (TransactionResolution answer : TransactionResolution.values()) {
			this.answered.put(answer,
					Timer.builder(CHECKBACKS)
						.description("Broker check-backs answered from the database, by answer")
						.tag("answer", answer.name())
						.register(meters));
		}
	}

	/**
	 * The journal every answer of {@link #resolve(String)} is written to, in the same
	 * database ({@code checkback_answer}).
	 */
	public CheckbackAnswers answers() {
		return this.answers;
	}

	/**
	 * Claims the transaction id for the local transaction. Call it first, inside the
	 * local transaction, on the same data source.
	 * @throws TransactionAlreadyResolvedException when a check-back already answered
	 * ROLLBACK
	 */
	public void enter(String txId) {
		try {
			this.jdbc.update("INSERT INTO transaction_record (tx_id, state) VALUES (?, '" + COMMITTED + "')", txId);
		}
		catch (DuplicateKeyException ex) {
			throw new TransactionAlreadyResolvedException(txId);
		}
	}

	/**
	 * Answers a check-back from the database. Runs on its own auto-commit connection,
	 * outside any transaction of the caller's thread.
	 */
	public TransactionResolution resolve(String txId) {
		long started = System.nanoTime();
		TransactionResolution resolution = resolveFromDatabase(txId);
		long took = System.nanoTime() - started;
		this.answered.get(resolution).record(took, TimeUnit.NANOSECONDS);
		this.answers.record(txId, resolution, Duration.ofNanos(took));
		return resolution;
	}

	/**
	 * What the barrier already holds for these transactions, read without claiming any:
	 * COMMIT for a committed local transaction, ROLLBACK for one a check-back (or a
	 * resolve) recorded as rolled back. A transaction with no row is absent from the map:
	 * its local transaction has not committed (yet), and a check-back now would roll it
	 * back. For an operator's view, which must not decide anything by looking.
	 */
	public Map<String, TransactionResolution> recorded(Collection<String> txIds) {
		Map<String, TransactionResolution> found = new HashMap<>();
		List<String> ids = txIds.stream().distinct().toList();
		for (int from = 0; from < ids.size(); from += 500) {
			List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
			String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
			this.jdbc.query("SELECT tx_id, state FROM transaction_record WHERE tx_id IN (" + marks + ")",
					(RowCallbackHandler) (row) -> found.put(row.getString(1), COMMITTED.equals(row.getString(2))
							? TransactionResolution.COMMIT : TransactionResolution.ROLLBACK),
					chunk.toArray());
		}
		return found;
	}

	/**
	 * Settles, for the publisher itself, a local transaction whose COMMIT went unanswered
	 * (UNKNOWN): the same claim-or-read as a check-back, on its own auto-commit
	 * connection, so the broker's check-back later gives the same answer. Not counted or
	 * journalled as a check-back.
	 * @return COMMIT if the local transaction committed, ROLLBACK if it did not (and now
	 * never will), UNKNOWN if the database could not say
	 */
	public TransactionResolution settle(String txId) {
		return resolveFromDatabase(txId);
	}

	private TransactionResolution resolveFromDatabase(String txId) {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(true);
			long seconds = Math.max(1, this.lockWaitTimeout.toSeconds());
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET SESSION innodb_lock_wait_timeout = " + seconds);
			}
			try {
				return claimOrRead(connection, txId);
			}
			finally {
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
				}
			}
		}
		catch (SQLException ex) {
			// A lock wait timeout or a lost connection: the broker asks again later.
			log.warn("check-back for transaction {} could not read the database, answering UNKNOWN: {}", txId,
					ex.getMessage());
			return TransactionResolution.UNKNOWN;
		}
	}

	private TransactionResolution claimOrRead(Connection connection, String txId) throws SQLException {
		try (PreparedStatement claim = connection.prepareStatement(
				"INSERT IGNORE INTO transaction_record (tx_id, state) VALUES (?, '" + ROLLED_BACK + "')")) {
			claim.setString(1, txId);
			if (claim.executeUpdate() == 1) {
				log.info("check-back for transaction {}: no local commit, recorded ROLLED_BACK", txId);
				return TransactionResolution.ROLLBACK;
			}
		}
		try (PreparedStatement read = connection
			.prepareStatement("SELECT state FROM transaction_record WHERE tx_id = ?")) {
			read.setString(1, txId);
			try (ResultSet row = read.executeQuery()) {
				if (!row.next()) {
					// INSERT IGNORE found a row that is gone now: only a retention job
					// deletes rows. Let the broker ask again rather than guess.
					log.warn("check-back for transaction {}: record vanished between claim and read", txId);
					return TransactionResolution.UNKNOWN;
				}
				return COMMITTED.equals(row.getString(1)) ? TransactionResolution.COMMIT
						: TransactionResolution.ROLLBACK;
			}
		}
	}

}
