package io.txorders.producer.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import io.txorders.messaging.admin.OnAdminCredentials;

import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What is in flight in the orders database: orders not yet CONFIRMED or CANCELLED, with
 * their age and the state of their transaction record, and the newest transaction records
 * (orders, cancels, and check-backs' rollbacks alike).
 */
@Component
@Conditional(OnAdminCredentials.class)
class InFlightTransactions {

	private final JdbcTemplate jdbc;

	InFlightTransactions(DataSource orders) {
		this.jdbc = new JdbcTemplate(orders);
	}

	/**
	 * An order still CREATED: placed, its inventory reply not yet applied. Ids are
	 * strings, as in the order API: 64-bit ids do not survive a JavaScript number.
	 */
	record InFlightOrder(String orderId, String userId, String total, String txId, String recordState,
			Instant createdAt, long ageSeconds) {
	}

	/**
	 * One row of the barrier: COMMITTED by a local transaction, or ROLLED_BACK by a
	 * check-back.
	 */
	record TransactionRecord(String txId, String state, Instant createdAt, String orderId) {
	}

	record View(int inFlightCount, List<InFlightOrder> inFlight, List<TransactionRecord> recentRecords,
			Instant checkedAt) {
	}

	View view(int limit) {
		Instant now = Instant.now();
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE status = 'CREATED'", Integer.class);
		List<InFlightOrder> orders = this.jdbc.query("""
				SELECT o.id, o.user_id, o.total, o.tx_id, t.state, o.created_at
				FROM orders o LEFT JOIN transaction_record t ON t.tx_id = o.tx_id
				WHERE o.status = 'CREATED' ORDER BY o.created_at, o.id LIMIT ?
				""", (row, n) -> {
			Instant created = row.getTimestamp(6).toInstant();
			return new InFlightOrder(row.getString(1), row.getString(2), row.getBigDecimal(3).toPlainString(),
					row.getString(4), row.getString(5), created,
					Math.max(0, Duration.between(created, now).toSeconds()));
		}, limit);
		List<TransactionRecord> records = this.jdbc.query("""
				SELECT t.tx_id, t.state, t.created_at, o.id
				FROM transaction_record t LEFT JOIN orders o ON o.tx_id = t.tx_id
				ORDER BY t.created_at DESC LIMIT ?
				""", (row, n) -> new TransactionRecord(row.getString(1), row.getString(2),
				row.getTimestamp(3).toInstant(), row.getString(4)), limit);
		return new View((count != null) ? count : 0, orders, records, now);
	}

}
