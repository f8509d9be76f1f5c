package io.txorders.messaging.barrier;

import java.lang.management.ManagementFactory;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The journal of check-backs answered ({@code checkback_answer}), so an operator can see
 * which transactions the broker had to ask about, what the database answered, and which
 * process answered. Check-backs are rare (a normal order never causes one), so writing
 * one row per answer stays off the hot path. The table keeps only the newest
 * {@link #RETAINED} rows: every {@link #PRUNE_EVERY}th answer deletes older ones.
 * <p>
 * Recording is best effort: the broker's answer never waits on, or fails because of, the
 * journal. Each answer is written in a transaction of its own, so it is committed whether
 * the pool's connections are in auto-commit mode or not.
 */
public class CheckbackAnswers {

	/** How many answers the table keeps. */
	public static final int RETAINED = 1000;

	static final int PRUNE_EVERY = 50;

	private static final Logger log = LoggerFactory.getLogger(CheckbackAnswers.class);

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	private volatile String instance = ManagementFactory.getRuntimeMXBean().getName();

	public CheckbackAnswers(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/** One check-back as answered. */
	public record Answer(long id, String txId, String answer, String instance, Instant answeredAt, long durationMs) {
	}

	/**
	 * Names this process in the journal (default: {@code pid@host}).
	 */
	public void setInstance(String instance) {
		this.instance = instance;
	}

	public String instance() {
		return this.instance;
	}

	void record(String txId, TransactionResolution answer, Duration took) {
		try {
			this.ownTransaction.executeWithoutResult((status) -> insert(txId, answer, took));
		}
		catch (DataAccessException | TransactionException ex) {
			log.warn("check-back of transaction {} answered {} but not journalled: {}", txId, answer, ex.getMessage());
		}
	}

	private void insert(String txId, TransactionResolution answer, Duration took) {
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.update((connection) -> {
			PreparedStatement insert = connection.prepareStatement(
					"INSERT INTO checkback_answer (tx_id, answer, instance, answered_at, duration_ms) VALUES (?, ?, ?, ?, ?)",
					Statement.RETURN_GENERATED_KEYS);
			insert.setString(1, txId);
			insert.setString(2, answer.name());
			insert.setString(3, this.instance);
			insert.setTimestamp(4, Timestamp.from(Instant.now()));
			insert.setLong(5, took.toMillis());
			return insert;
		}, key);
		Number newest = key.getKey();
		if (newest != null && newest.longValue() % PRUNE_EVERY == 0) {
			this.jdbc.update("DELETE FROM checkback_answer WHERE id <= ?", newest.longValue() - RETAINED);
		}
	}

	/** The newest answers first, at most {@code limit}. */
	public List<Answer> recent(int limit) {
		return this.jdbc.query(
				"SELECT id, tx_id, answer, instance, answered_at, duration_ms FROM checkback_answer ORDER BY id DESC LIMIT ?",
				(row, n) -> new Answer(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
						row.getTimestamp(5).toInstant(), row.getLong(6)),
				Math.max(1, Math.min(limit, RETAINED)));
	}

}
