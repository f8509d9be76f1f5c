package io.txorders.producer.webhook;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.txorders.producer.order.store.Order;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notifications ({@code webhook_notification}) and their attempts
 * ({@code webhook_attempt}). Written in the local transaction of the order's transition;
 * claimed, tried and settled by dispatchers in READ COMMITTED transactions of their own
 * (as the outbox relay's claims: no gap locks in the way of the transitions' inserts).
 * Times are the database's, so dispatchers on hosts whose clocks differ agree on leases.
 */
public class WebhookNotifications {

	/** A notification as the admin sees it, with its attempts (newest attempt last). */
	public record Notification(long id, long endpointId, String webhookId, String orderId, String eventType,
			int orderVersion, String status, int attempts, Instant nextAttemptAt, Integer lastStatus, String lastError,
			Instant createdAt, Instant finishedAt, List<Attempt> attemptLog) {
	}

	/** One POST. */
	public record Attempt(int attemptNo, String dispatcher, Instant startedAt, Instant finishedAt, String outcome,
			Integer httpStatus, Integer latencyMs, String error) {
	}

	/**
	 * A claimed notification, with what it takes to send it, and the attempt logged for
	 * it.
	 */
	record Due(long id, long attemptId, int attemptNo, long endpointId, String webhookId, String url, byte[] payload,
			int retryStep, List<String> secrets) {

		@Override
		public String toString() {
			return "Due[" + this.webhookId + " to endpoint " + this.endpointId + "]";
		}

	}

	/**
	 * Pending notifications of active endpoints, and the age of the oldest.
	 *
	 * @param pending how many
	 * @param oldestSeconds age of the oldest, 0 when none waits
	 */
	public record Backlog(long pending, double oldestSeconds) {
	}

	/** An order as its query-back answer shows it. */
	public record OrderState(String orderId, String status, int version, String cause, String total, String currency,
			Instant updatedAt) {
	}

	private static final String COLUMNS = "id, endpoint_id, webhook_id, order_id, event_type, order_version, status, "
			+ "attempts, next_attempt_at, last_status, last_error, created_at, finished_at";

	private final JdbcTemplate jdbc;

	private final WebhookEndpoints endpoints;

	private final JsonMapper json;

	private final TransactionTemplate ownTransaction;

	public WebhookNotifications(DataSource dataSource, WebhookEndpoints endpoints, JsonMapper json) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.endpoints = endpoints;
		this.json = json;
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.ownTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
	}

	/** {@code order.confirmed} for CONFIRMED, {@code order.cancelled} for CANCELLED. */
	static String eventType(String status) {
		return "order." + status.toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * Writes one notification per active endpoint that wants the event, in the caller's
	 * transaction (the transition's). The order, as it stands after the transition, is
	 * read only when an endpoint wants it.
	 * @return how many were written
	 */
	int record(String status, String cause, Instant at, Supplier<Order> read) {
		String type = eventType(status);
		// As the order's history keeps it (DATETIME(3)).
		Instant occurred = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
		List<WebhookEndpoints.Subscriber> subscribers = this.endpoints.activeForTransition()
			.stream()
			.filter((subscriber) -> subscriber.wants(type))
			.toList();
		if (subscribers.isEmpty()) {
			return 0;
		}
		Order order = read.get();
		long orderId = order.getId();
		int version = order.getVersion();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("orderId", Long.toString(orderId));
		data.put("customerId", order.getUserId());
		data.put("status", status);
		data.put("cause", cause);
		data.put("total", order.getTotal().toPlainString());
		data.put("currency", order.getCurrency());
		data.put("version", version);
		data.put("occurredAt", occurred.toString());
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("type", type);
		event.put("timestamp", occurred.toString());
		event.put("data", data);
		String payload = this.json.writeValueAsString(event);
		List<Object[]> rows = new ArrayList<>();
		for (WebhookEndpoints.Subscriber subscriber : subscribers) {
			rows.add(new Object[] { subscriber.id(), newWebhookId(), orderId, type, version, payload });
		}
		// INSERT IGNORE: a transition is notified once per endpoint (the unique key on
		// endpoint, order and version), whatever replays it.
		this.jdbc.batchUpdate("INSERT IGNORE INTO webhook_notification (endpoint_id, webhook_id, order_id, event_type, "
				+ "order_version, payload, status, attempts, retry_step, next_attempt_at, created_at) "
				+ "VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, 0, NOW(3), NOW(3))", rows);
		return rows.size();
	}

	static String newWebhookId() {
		return "msg_" + UUID.randomUUID().toString().replace("-", "");
	}

	/**
	 * Takes up to {@code limit} due notifications of one endpoint for {@code lease},
	 * skipping those another dispatcher is taking, and logs the attempt about to be made
	 * for each ({@code IN_FLIGHT}, counted): all in one READ COMMITTED transaction. Only
	 * {@code token} may settle them.
	 */
	List<Due> claim(long endpointId, int limit, Duration lease, String token, String dispatcher) {
		return this.ownTransaction.execute((tx) -> {
			List<Long> ids = this.jdbc
				.queryForList("SELECT id FROM webhook_notification WHERE endpoint_id = ? AND status = 'PENDING' "
						+ "AND next_attempt_at <= NOW(3) ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
						Long.class, endpointId, limit);
			if (ids.isEmpty()) {
				return List.of();
			}
			String in = String.join(",", ids.stream().map(String::valueOf).toList());
			this.jdbc.update(
					"UPDATE webhook_notification SET lease_owner = ?, attempts = attempts + 1, "
							+ "next_attempt_at = TIMESTAMPADD(MICROSECOND, ?, NOW(3)) WHERE id IN (" + in + ")",
					token, lease.toNanos() / 1000);
			this.jdbc
				.update("INSERT INTO webhook_attempt (notification_id, attempt_no, dispatcher, started_at, outcome) "
						+ "SELECT id, attempts, ?, NOW(3), 'IN_FLIGHT' FROM webhook_notification WHERE id IN (" + in
						+ ")", dispatcher);
			return this.jdbc.query("SELECT n.id, a.id, n.attempts, n.endpoint_id, n.webhook_id, e.url, n.payload, "
					+ "n.retry_step, e.secret, CASE WHEN e.previous_secret_until > NOW(3) THEN e.previous_secret END "
					+ "FROM webhook_notification n JOIN webhook_endpoint e ON e.id = n.endpoint_id "
					+ "JOIN webhook_attempt a ON a.notification_id = n.id AND a.attempt_no = n.attempts "
					+ "WHERE n.id IN (" + in + ") AND e.secret IS NOT NULL ORDER BY n.next_attempt_at, n.id",
					(rs, n) -> {
						List<String> secrets = new ArrayList<>();
						secrets.add(rs.getString(9));
						if (rs.getString(10) != null) {
							secrets.add(rs.getString(10));
						}
						return new Due(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getString(5),
								rs.getString(6), rs.getString(7).getBytes(StandardCharsets.UTF_8), rs.getInt(8),
								List.copyOf(secrets));
					});
		});
	}

	/**
	 * How an attempt ended.
	 *
	 * @param outcome DELIVERED, REFUSED (a status other than 2xx) or ERROR (no answer)
	 * @param httpStatus the answer's status, or null
	 * @param latencyMs how long it took
	 * @param error what went wrong, or the start of the answer's body; null when
	 * delivered
	 */
	record Result(String outcome, Integer httpStatus, int latencyMs, String error) {

		boolean delivered() {
			return "DELIVERED".equals(this.outcome);
		}

	}

	/** What became of the notification after an attempt. */
	enum Settled {

		DELIVERED, RETRY, FAILED, LOST_LEASE

	}

	/**
	 * Records the attempt's end and settles the notification: DELIVERED, due again after
	 * {@code wait} (the schedule's next step), or FAILED when {@code wait} is null (the
	 * schedule is spent). Only while {@code token} holds it; the attempt is recorded
	 * either way.
	 */
	Settled finish(long notificationId, long attemptId, String token, Result result, Duration wait) {
		return this.ownTransaction.execute((tx) -> {
			this.jdbc.update(
					"UPDATE webhook_attempt SET finished_at = NOW(3), outcome = ?, http_status = ?, "
							+ "latency_ms = ?, error = ? WHERE id = ?",
					result.outcome(), result.httpStatus(), result.latencyMs(), abbreviate(result.error()), attemptId);
			int settled;
			Settled outcome;
			if (result.delivered()) {
				settled = this.jdbc.update("UPDATE webhook_notification SET status = 'DELIVERED', lease_owner = NULL, "
						+ "last_status = ?, last_error = NULL, finished_at = NOW(3) WHERE id = ? AND lease_owner = ? "
						+ "AND status = 'PENDING'", result.httpStatus(), notificationId, token);
				outcome = Settled.DELIVERED;
			}
			else if (wait == null) {
				settled = this.jdbc.update("UPDATE webhook_notification SET status = 'FAILED', lease_owner = NULL, "
						+ "last_status = ?, last_error = ?, finished_at = NOW(3) WHERE id = ? AND lease_owner = ? "
						+ "AND status = 'PENDING'", result.httpStatus(), abbreviate(result.error()), notificationId,
						token);
				outcome = Settled.FAILED;
			}
			else {
				settled = this.jdbc.update("UPDATE webhook_notification SET retry_step = retry_step + 1, "
						+ "lease_owner = NULL, last_status = ?, last_error = ?, "
						+ "next_attempt_at = TIMESTAMPADD(MICROSECOND, ?, NOW(3)) WHERE id = ? AND lease_owner = ? "
						+ "AND status = 'PENDING'", result.httpStatus(), abbreviate(result.error()),
						wait.toNanos() / 1000, notificationId, token);
				outcome = Settled.RETRY;
			}
			return (settled == 1) ? outcome : Settled.LOST_LEASE;
		});
	}

	/**
	 * Gives back, due now, what a claim did not try: its attempt is unlogged and
	 * uncounted.
	 */
	void release(Due due, String token) {
		this.ownTransaction.executeWithoutResult((tx) -> {
			if (this.jdbc.update("UPDATE webhook_notification SET lease_owner = NULL, attempts = attempts - 1, "
					+ "next_attempt_at = NOW(3) WHERE id = ? AND lease_owner = ?", due.id(), token) == 1) {
				this.jdbc.update("DELETE FROM webhook_attempt WHERE id = ? AND outcome = 'IN_FLIGHT'", due.attemptId());
			}
		});
	}

	/**
	 * PENDING again, due now, the schedule from its start, the same webhook-id; a pending
	 * one not in flight is made due now.
	 * @return whether there was such a notification of an endpoint not deleted
	 */
	public boolean redeliver(long notificationId) {
		return this.ownTransaction
			.execute((tx) -> this.jdbc.update("UPDATE webhook_notification n "
					+ "JOIN webhook_endpoint e ON e.id = n.endpoint_id SET n.status = 'PENDING', n.retry_step = 0, "
					+ "n.next_attempt_at = NOW(3), n.finished_at = NULL WHERE n.id = ? AND e.status <> 'DELETED' "
					+ "AND (n.status <> 'PENDING' OR n.lease_owner IS NULL)", notificationId)) == 1
				|| exists(notificationId);
	}

	/** Every FAILED notification of the endpoint, as {@link #redeliver}. */
	public int redeliverFailed(long endpointId) {
		return this.ownTransaction.execute((tx) -> this.jdbc
			.update("UPDATE webhook_notification SET status = 'PENDING', retry_step = 0, next_attempt_at = NOW(3), "
					+ "finished_at = NULL WHERE endpoint_id = ? AND status = 'FAILED'", endpointId));
	}

	private boolean exists(long notificationId) {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM webhook_notification n JOIN webhook_endpoint e "
						+ "ON e.id = n.endpoint_id WHERE n.id = ? AND e.status <> 'DELETED'",
				Long.class, notificationId) > 0;
	}

	/** The endpoint's notifications, newest first, each with its attempts. */
	public List<Notification> list(long endpointId, String status, int limit) {
		List<Notification> found = this.jdbc.query(
				"SELECT " + COLUMNS + " FROM webhook_notification WHERE endpoint_id = ? "
						+ ((status != null) ? "AND status = ? " : "") + "ORDER BY id DESC LIMIT ?",
				this::notification,
				(status != null) ? new Object[] { endpointId, status, limit } : new Object[] { endpointId, limit });
		return withAttempts(found);
	}

	/** One notification with its attempts, or null. */
	public Notification find(long notificationId) {
		return withAttempts(this.jdbc.query("SELECT " + COLUMNS + " FROM webhook_notification WHERE id = ?",
				this::notification, notificationId))
			.stream()
			.findFirst()
			.orElse(null);
	}

	public Backlog backlog() {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(n.created_at), NOW(3)), 0) "
						+ "FROM webhook_notification n JOIN webhook_endpoint e ON e.id = n.endpoint_id "
						+ "WHERE n.status = 'PENDING' AND e.status = 'ACTIVE'",
				(rs, n) -> new Backlog(rs.getLong(1), Math.max(0, rs.getLong(2)) / 1_000_000.0));
	}

	/**
	 * The order's current state, if the endpoint was notified about it; null otherwise
	 * (an endpoint sees only its own orders).
	 */
	public OrderState orderFor(long endpointId, long orderId) {
		return this.jdbc.query(
				"SELECT o.id, o.status, o.version, "
						+ "(SELECT h.cause FROM order_history h WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1), "
						+ "o.total, o.currency, o.updated_at FROM orders o WHERE o.id = ? AND EXISTS "
						+ "(SELECT 1 FROM webhook_notification n WHERE n.order_id = o.id AND n.endpoint_id = ?)",
				(rs, n) -> new OrderState(Long.toString(rs.getLong(1)), rs.getString(2), rs.getInt(3), rs.getString(4),
						rs.getBigDecimal(5).toPlainString(), rs.getString(6), rs.getTimestamp(7).toInstant()),
				orderId, endpointId)
			.stream()
			.findFirst()
			.orElse(null);
	}

	private Notification notification(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
		return new Notification(rs.getLong(1), rs.getLong(2), rs.getString(3), Long.toString(rs.getLong(4)),
				rs.getString(5), rs.getInt(6), rs.getString(7), rs.getInt(8), instant(rs.getTimestamp(9)),
				(Integer) rs.getObject(10, Integer.class), rs.getString(11), instant(rs.getTimestamp(12)),
				instant(rs.getTimestamp(13)), List.of());
	}

	private List<Notification> withAttempts(List<Notification> notifications) {
		if (notifications.isEmpty()) {
			return notifications;
		}
		String in = String.join(",", notifications.stream().map((found) -> String.valueOf(found.id())).toList());
		Map<Long, List<Attempt>> attempts = new LinkedHashMap<>();
		RowMapper<Void> collect = (rs, n) -> {
			attempts.computeIfAbsent(rs.getLong(1), (id) -> new ArrayList<>())
				.add(new Attempt(rs.getInt(2), rs.getString(3), instant(rs.getTimestamp(4)),
						instant(rs.getTimestamp(5)), rs.getString(6), (Integer) rs.getObject(7, Integer.class),
						(Integer) rs.getObject(8, Integer.class), rs.getString(9)));
			return null;
		};
		this.jdbc.query(
				"SELECT notification_id, attempt_no, dispatcher, started_at, finished_at, outcome, http_status, "
						+ "latency_ms, error FROM webhook_attempt WHERE notification_id IN (" + in + ") ORDER BY id",
				collect);
		return notifications.stream()
			.map((found) -> new Notification(found.id(), found.endpointId(), found.webhookId(), found.orderId(),
					found.eventType(), found.orderVersion(), found.status(), found.attempts(), found.nextAttemptAt(),
					found.lastStatus(), found.lastError(), found.createdAt(), found.finishedAt(),
					attempts.getOrDefault(found.id(), List.of())))
			.toList();
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static String abbreviate(String error) {
		if (error == null) {
			return null;
		}
		return (error.length() <= 500) ? error : error.substring(0, 497) + "...";
	}

}
