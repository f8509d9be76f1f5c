package io.txorders.messaging.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.txorders.messaging.publish.OutgoingEvent;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The local message table ({@code outbox_message}): events whose rows committed but which
 * no broker has yet. Times are the database's, so relays on hosts whose clocks differ
 * agree on leases and due times.
 */
public class OutboxRows {

	private static final String COLUMNS = "id, tx_id, topic, tag, message_key, body, reason, attempts, next_attempt_at, "
			+ "last_error, created_at";

	private static final RowMapper<Row> ROW = (rs, n) -> new Row(rs.getLong(1), rs.getString(2),
			new OutgoingEvent(rs.getString(3), rs.getString(4), rs.getString(5), rs.getBytes(6)), rs.getString(7),
			rs.getInt(8), rs.getTimestamp(9).toInstant(), rs.getString(10), rs.getTimestamp(11).toInstant());

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	public OutboxRows(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		// A relay's scans lock the rows they take and no gaps: under REPEATABLE READ a
		// claim held gap locks on the due-time index, and the INSERT of an order's local
		// transaction into that gap was chosen as the deadlock's victim (a 503 while the
		// broker was down, in the fault harness).
		this.ownTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
	}

	/**
	 * One event waiting for the relay.
	 *
	 * @param id the row
	 * @param txId the local transaction that wrote it
	 * @param event what to publish
	 * @param reason why it was not published at once
	 * @param attempts failed relay attempts so far
	 * @param nextAttemptAt when a relay may take it (a lease ahead while one holds it)
	 * @param lastError what the last attempt failed with, or null
	 * @param createdAt when its local transaction wrote it
	 */
	public record Row(long id, String txId, OutgoingEvent event, String reason, int attempts, Instant nextAttemptAt,
			String lastError, Instant createdAt) {
	}

	/** Rows claimed by one relay for one lease. */
	public record Claim(String token, List<Row> rows) {
	}

	/**
	 * The table at a glance.
	 *
	 * @param pending rows waiting
	 * @param oldestSeconds age of the oldest, 0 when none waits
	 */
	public record Backlog(long pending, double oldestSeconds) {
	}

	/**
	 * Writes {@code event} for the relay. Call it inside the local transaction that
	 * writes the event's business rows, on the same data source: the row commits or rolls
	 * back with them.
	 */
	public void insert(OutgoingEvent event, String txId, String reason) {
		this.jdbc.update(
				"INSERT INTO outbox_message (tx_id, topic, tag, message_key, body, reason, attempts, next_attempt_at, created_at) "
						+ "VALUES (?, ?, ?, ?, ?, ?, 0, NOW(3), NOW(3))",
				txId, event.topic(), event.tag(), event.key(), event.body(), reason);
	}

	/**
	 * Takes up to {@code limit} due rows for {@code lease}, skipping rows another relay
	 * is taking at the same moment: the rows' due time moves a lease ahead, so no other
	 * relay takes them until the lease runs out, and only this claim's token can delete
	 * them. Runs and commits in a READ COMMITTED transaction of its own.
	 */
	public Claim claim(int limit, Duration lease) {
		String token = UUID.randomUUID().toString();
		List<Row> rows = this.ownTransaction.execute(status -> {
			List<Long> ids = this.jdbc.queryForList("SELECT id FROM outbox_message WHERE next_attempt_at <= NOW(3) "
					+ "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED", Long.class, limit);
			if (ids.isEmpty()) {
				return List.of();
			}
			String in = String.join(",", ids.stream().map(String::valueOf).toList());
			this.jdbc.update(
					"UPDATE outbox_message SET lease_owner = ?, next_attempt_at = TIMESTAMPADD(MICROSECOND, ?, NOW(3)) "
							+ "WHERE id IN (" + in + ")",
					token, lease.toNanos() / 1000);
			return this.jdbc.query("SELECT " + COLUMNS + " FROM outbox_message WHERE id IN (" + in + ") ORDER BY id",
					ROW);
		});
		return new Claim(token, rows);
	}

	/**
	 * Deletes the row if {@code token} still holds it. Call it inside the relay's local
	 * transaction, on the same data source.
	 * @return whether the row was this claim's to delete
	 */
	public boolean markSent(long id, String token) {
		return this.jdbc.update("DELETE FROM outbox_message WHERE id = ? AND lease_owner = ?", id, token) == 1;
	}

	/** Gives the row back, to be tried after {@code delay}, counting a failed attempt. */
	public void retryLater(long id, String token, Duration delay, String error) {
		this.jdbc.update(
				"UPDATE outbox_message SET attempts = attempts + 1, last_error = ?, lease_owner = NULL, "
						+ "next_attempt_at = TIMESTAMPADD(MICROSECOND, ?, NOW(3)) WHERE id = ? AND lease_owner = ?",
				abbreviate(error), delay.toNanos() / 1000, id, token);
	}

	/**
	 * Gives back, due now and without counting an attempt, the rows a claim did not try
	 * (in a READ COMMITTED transaction of its own, as the claim).
	 */
	public void release(String token) {
		this.ownTransaction.executeWithoutResult(status -> this.jdbc.update(
				"UPDATE outbox_message SET lease_owner = NULL, next_attempt_at = NOW(3) WHERE lease_owner = ?", token));
	}

	/** Makes every waiting row due now (an operator's "retry now" after an outage). */
	public int retryAllNow() {
		return this.ownTransaction.execute(status -> this.jdbc
			.update("UPDATE outbox_message SET next_attempt_at = NOW(3) WHERE lease_owner IS NULL"));
	}

	public Backlog backlog() {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)), 0) FROM outbox_message",
				(rs, n) -> new Backlog(rs.getLong(1), Math.max(0, rs.getLong(2)) / 1_000_000.0));
	}

	/** The oldest waiting rows first, at most {@code limit}. */
	public List<Row> oldest(int limit) {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM outbox_message ORDER BY created_at, id LIMIT ?", ROW,
				Math.max(1, Math.min(limit, 500)));
	}

	private static String abbreviate(String error) {
		if (error == null) {
			return null;
		}
		return (error.length() <= 500) ? error : error.substring(0, 497) + "...";
	}

}
