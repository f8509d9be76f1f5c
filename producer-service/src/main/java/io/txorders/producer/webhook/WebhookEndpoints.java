package io.txorders.producer.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The endpoints the admin registered ({@code webhook_endpoint}). Secrets are read only to
 * sign (by the dispatcher's claim) and leave this class only when they are new; the
 * query-back credential is kept as its SHA-256 alone.
 */
public class WebhookEndpoints {

	/** An endpoint as the admin sees it: never its secrets. */
	public record Endpoint(long id, String url, String description, List<String> events, String status,
			Instant previousSecretUntil, Instant createdAt, Instant updatedAt) {
	}

	/** A new endpoint with its secret and query credential, shown this once. */
	public record Registered(Endpoint endpoint, String secret, String queryToken) {

		@Override
		public String toString() {
			return "Registered[" + this.endpoint + ", secret and query token hidden]";
		}

	}

	/** An endpoint notifications are written for: its id and the event types it wants. */
	record Subscriber(long id, List<String> events) {

		boolean wants(String eventType) {
			return this.events.isEmpty() || this.events.contains(eventType);
		}

	}

	private static final String COLUMNS = "id, url, description, event_types, status, previous_secret_until, created_at, "
			+ "updated_at";

	private static final RowMapper<Endpoint> ENDPOINT = (rs, n) -> new Endpoint(rs.getLong(1), rs.getString(2),
			rs.getString(3), events(rs.getString(4)), rs.getString(5), instant(rs.getTimestamp(6)),
			rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant());

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	public WebhookEndpoints(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.ownTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
	}

	public Registered register(String url, List<String> events, String description) {
		String secret = WebhookSignatures.newSecret();
		String queryToken = WebhookSignatures.newQueryToken();
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.update((connection) -> {
			var insert = connection.prepareStatement(
					"INSERT INTO webhook_endpoint (url, description, event_types, status, secret, query_token_sha256, "
							+ "created_at, updated_at) VALUES (?, ?, ?, 'ACTIVE', ?, ?, NOW(3), NOW(3))",
					new String[] { "id" });
			insert.setString(1, url);
			insert.setString(2, description);
			insert.setString(3, events.isEmpty() ? null : String.join(",", events));
			insert.setString(4, secret);
			insert.setString(5, WebhookSignatures.sha256(queryToken));
			return insert;
		}, key);
		return new Registered(find(key.getKey().longValue()), secret, queryToken);
	}

	/** Every endpoint not deleted, oldest first. */
	public List<Endpoint> list() {
		return this.jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE status <> 'DELETED' ORDER BY id",
				ENDPOINT);
	}

	/** The endpoint, or null when there is none or it was deleted. */
	public Endpoint find(long id) {
		return this.jdbc
			.query("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE id = ? AND status <> 'DELETED'", ENDPOINT, id)
			.stream()
			.findFirst()
			.orElse(null);
	}

	/** Notifications per status, per endpoint. */
	public Map<Long, Map<String, Long>> counts() {
		Map<Long, Map<String, Long>> counts = new LinkedHashMap<>();
		this.jdbc.query("SELECT endpoint_id, status, COUNT(*) FROM webhook_notification GROUP BY endpoint_id, status",
				(rs) -> {
					counts.computeIfAbsent(rs.getLong(1), (id) -> new LinkedHashMap<>())
						.put(rs.getString(2), rs.getLong(3));
				});
		return counts;
	}

	/**
	 * ACTIVE or DISABLED.
	 * @return whether the endpoint exists (not deleted)
	 */
	public boolean setStatus(long id, String status) {
		return this.jdbc.update(
				"UPDATE webhook_endpoint SET status = ?, updated_at = NOW(3) WHERE id = ? AND status <> 'DELETED'",
				status, id) == 1;
	}

	/**
	 * Deletes the endpoint: its secrets are erased and its pending notifications FAILED.
	 * @return whether there was one to delete
	 */
	public boolean delete(long id) {
		return Boolean.TRUE.equals(this.ownTransaction.execute((tx) -> {
			int deleted = this.jdbc.update("UPDATE webhook_endpoint SET status = 'DELETED', secret = NULL, "
					+ "previous_secret = NULL, previous_secret_until = NULL, query_token_sha256 = NULL, updated_at = NOW(3) "
					+ "WHERE id = ? AND status <> 'DELETED'", id);
			if (deleted == 0) {
				return false;
			}
			this.jdbc.update("UPDATE webhook_notification SET status = 'FAILED', lease_owner = NULL, "
					+ "last_error = 'endpoint deleted', finished_at = NOW(3) WHERE endpoint_id = ? AND status = 'PENDING'",
					id);
			return true;
		}));
	}

	/**
	 * A new secret; the old one keeps signing for {@code overlap}.
	 * @return the new secret, or null when there is no such endpoint
	 */
	public String rotateSecret(long id, Duration overlap) {
		String secret = WebhookSignatures.newSecret();
		int rotated = this.jdbc.update("UPDATE webhook_endpoint SET previous_secret = secret, "
				+ "previous_secret_until = TIMESTAMPADD(MICROSECOND, ?, NOW(3)), secret = ?, updated_at = NOW(3) "
				+ "WHERE id = ? AND status <> 'DELETED'", overlap.toNanos() / 1000, secret, id);
		return (rotated == 1) ? secret : null;
	}

	/** The endpoint a query-back credential was issued with, or null. */
	public Long byQueryToken(String token) {
		return this.jdbc
			.queryForList("SELECT id FROM webhook_endpoint WHERE query_token_sha256 = ? AND status <> 'DELETED'",
					Long.class, WebhookSignatures.sha256(token))
			.stream()
			.findFirst()
			.orElse(null);
	}

	/**
	 * The active endpoints, read with shared locks in the caller's transaction: an
	 * endpoint disabled or registered meanwhile waits for the transition to commit, so
	 * the notifications written are those of the endpoints active when it commits.
	 */
	List<Subscriber> activeForTransition() {
		return this.jdbc.query(
				"SELECT id, event_types FROM webhook_endpoint WHERE status = 'ACTIVE' ORDER BY id LOCK IN SHARE MODE",
				(rs, n) -> new Subscriber(rs.getLong(1), events(rs.getString(2))));
	}

	/** The active endpoints' ids, for the dispatcher (a plain read). */
	List<Long> activeIds() {
		return this.jdbc.queryForList("SELECT id FROM webhook_endpoint WHERE status = 'ACTIVE' ORDER BY id",
				Long.class);
	}

	static List<String> events(String column) {
		if (column == null || column.isBlank()) {
			return List.of();
		}
		return Arrays.stream(column.split(",")).map(String::trim).filter((type) -> !type.isEmpty()).toList();
	}

	private static Instant instant(java.sql.Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
