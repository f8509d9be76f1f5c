package io.txorders.invariants;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.txorders.invariants.DatabaseInvariants.WEBHOOKS_INVENTED;
import static io.txorders.invariants.DatabaseInvariants.WEBHOOKS_NOT_NOTIFIED;
import static io.txorders.invariants.DatabaseInvariants.WEBHOOKS_PENDING;
import static io.txorders.invariants.DatabaseInvariants.each;

/**
 * The merchants' webhooks, in the orders database (sql/orders V4, docs/webhooks.md): each
 * final transition of an order wrote one notification per active endpoint that wants its
 * event type, in the transition's own transaction; none was written without one; once
 * quiet, each notification of an endpoint that is not disabled was delivered or given up
 * ({@code FAILED}). Each comparison of transitions with notifications is one statement,
 * so one snapshot: it holds while orders are being taken too.
 */
final class WebhookInvariants {

	/**
	 * A transition this soon after its endpoint's registration may have read the
	 * endpoints before the registration committed: it is not required to notify it.
	 */
	static final Duration REGISTRATION_MARGIN = Duration.ofSeconds(5);

	private static final Set<String> ALL_EVENT_TYPES = Set.of("order.confirmed", "order.cancelled");

	private final JdbcTemplate orders;

	WebhookInvariants(JdbcTemplate orders) {
		this.orders = orders;
	}

	/**
	 * Notifications still PENDING for an endpoint that is not disabled: a dispatcher
	 * still owes them a POST. A disabled endpoint's wait until it is enabled again.
	 */
	long pending() {
		return this.orders.queryForObject("""
				SELECT COUNT(*) FROM webhook_notification n JOIN webhook_endpoint e ON e.id = n.endpoint_id
				WHERE n.status = 'PENDING' AND e.status <> 'DISABLED'""", Long.class);
	}

	/**
	 * @param quiet whether nothing is in flight: then a notification still PENDING for an
	 * endpoint that is not disabled is a violation
	 */
	void check(Report report, boolean quiet) {
		figures(report);
		everyFinalTransitionNotified(report);
		noNotificationWithoutATransition(report);
		if (quiet) {
			everyNotificationSettled(report);
		}
	}

	private void figures(Report report) {
		each(this.orders, "SELECT status, COUNT(*) FROM webhook_endpoint GROUP BY status ORDER BY status",
				(row) -> report.figure("webhook endpoints " + row.getString(1), row.getLong(2)));
		each(this.orders, "SELECT status, COUNT(*) FROM webhook_notification GROUP BY status ORDER BY status",
				(row) -> report.figure("webhook notifications " + row.getString(1), row.getLong(2)));
		each(this.orders, "SELECT outcome, COUNT(*) FROM webhook_attempt GROUP BY outcome ORDER BY outcome",
				(row) -> report.figure("webhook attempts " + row.getString(1), row.getLong(2)));
		this.orders.query("""
				SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(n.created_at), NOW(3)), 0)
				FROM webhook_notification n JOIN webhook_endpoint e ON e.id = n.endpoint_id
				WHERE n.status = 'PENDING' AND e.status <> 'DISABLED'""", (row) -> {
			report.figure("webhooks pending", row.getLong(1));
			report.figure("webhooks oldest pending seconds", Math.max(0, row.getLong(2)));
		});
		report.figure("webhooks waiting on disabled endpoints", this.orders.queryForObject("""
				SELECT COUNT(*) FROM webhook_notification n JOIN webhook_endpoint e ON e.id = n.endpoint_id
				WHERE n.status = 'PENDING' AND e.status = 'DISABLED'""", Long.class));
	}

	/**
	 * Each transition to CONFIRMED or CANCELLED at least {@link #REGISTRATION_MARGIN}
	 * after an ACTIVE endpoint's registration, of a type it wants, has its notification:
	 * counted per endpoint, order and event type, so an order confirmed and then
	 * cancelled needs both. (A disable is not recorded: an endpoint disabled for a while
	 * and enabled again shows the transitions meanwhile here.)
	 */
	private void everyFinalTransitionNotified(Report report) {
		each(this.orders, """
				SELECT t.endpoint_id, t.event_types, t.order_id, t.event_type, t.transitions,
				       (SELECT COUNT(*) FROM webhook_notification n
				        WHERE n.order_id = t.order_id AND n.endpoint_id = t.endpoint_id
				          AND n.event_type = t.event_type) AS notified
				FROM (SELECT e.id AS endpoint_id, e.event_types, h.order_id,
				             CASE h.to_status WHEN 'CONFIRMED' THEN 'order.confirmed' ELSE 'order.cancelled' END
				               AS event_type,
				             COUNT(*) AS transitions
				      FROM webhook_endpoint e
				      JOIN order_history h ON h.to_status IN ('CONFIRMED', 'CANCELLED')
				       AND h.occurred_at >= e.created_at + INTERVAL %d SECOND
				      WHERE e.status = 'ACTIVE'
				      GROUP BY e.id, e.event_types, h.order_id, event_type) t
				ORDER BY t.endpoint_id, t.order_id, t.event_type""".formatted(REGISTRATION_MARGIN.toSeconds()),
				(row) -> {
					String eventType = row.getString(4);
					int transitions = row.getInt(5);
					int notified = row.getInt(6);
					if (wants(row.getString(2), eventType) && notified < transitions) {
						report.violation(WEBHOOKS_NOT_NOTIFIED,
								"order " + row.getLong(3) + ": " + eventType + " " + transitions
										+ " time(s) after endpoint " + row.getLong(1) + " was registered, notified "
										+ notified + " time(s)");
					}
				});
	}

	/**
	 * No endpoint was notified of an event type more often than the order made that
	 * transition: a notification is written with its transition, never without one.
	 */
	private void noNotificationWithoutATransition(Report report) {
		each(this.orders, """
				SELECT n.endpoint_id, n.order_id, n.event_type, n.notified,
				       (SELECT COUNT(*) FROM order_history h WHERE h.order_id = n.order_id
				          AND h.to_status = CASE n.event_type WHEN 'order.confirmed' THEN 'CONFIRMED'
				                                              WHEN 'order.cancelled' THEN 'CANCELLED' END)
				         AS transitions
				FROM (SELECT endpoint_id, order_id, event_type, COUNT(*) AS notified FROM webhook_notification
				      GROUP BY endpoint_id, order_id, event_type) n
				ORDER BY n.endpoint_id, n.order_id, n.event_type""", (row) -> {
			int notified = row.getInt(4);
			int transitions = row.getInt(5);
			if (notified > transitions) {
				report.violation(WEBHOOKS_INVENTED,
						"endpoint " + row.getLong(1) + " has " + notified + " " + row.getString(3)
								+ " notification(s) of order " + row.getLong(2) + ", which made that transition "
								+ transitions + " time(s)");
			}
		});
	}

	/**
	 * Once quiet, every notification of an endpoint that is not disabled is DELIVERED or
	 * FAILED (a deleted endpoint's were FAILED when it was deleted): one line per
	 * notification left PENDING.
	 */
	private void everyNotificationSettled(Report report) {
		each(this.orders, """
				SELECT n.id, n.webhook_id, n.endpoint_id, e.status, n.order_id, n.order_version, n.event_type,
				       n.attempts, TIMESTAMPDIFF(SECOND, n.created_at, NOW(3)),
				       TIMESTAMPDIFF(SECOND, NOW(3), n.next_attempt_at), n.lease_owner, n.last_status, n.last_error
				FROM webhook_notification n JOIN webhook_endpoint e ON e.id = n.endpoint_id
				WHERE n.status = 'PENDING' AND e.status <> 'DISABLED'
				ORDER BY n.created_at, n.id""", (row) -> {
			long dueIn = row.getLong(10);
			String lastStatus = row.getString(12);
			String lastError = row.getString(13);
			report.violation(WEBHOOKS_PENDING,
					"notification " + row.getLong(1) + " (" + row.getString(2) + ") of order " + row.getLong(5)
							+ " version " + row.getInt(6) + ", " + row.getString(7) + ", to endpoint " + row.getLong(3)
							+ " (" + row.getString(4) + "): PENDING for " + row.getLong(9) + " s, " + row.getInt(8)
							+ " attempt(s), " + ((dueIn > 0) ? "next in " + dueIn + " s" : "due " + -dueIn + " s ago")
							+ ((row.getString(11) != null) ? ", claimed by " + row.getString(11) : "")
							+ ((lastStatus != null) ? ", last HTTP status " + lastStatus : "")
							+ ((lastError != null) ? ", last error: " + lastError : ""));
		});
	}

	/** {@code event_types} NULL means every type; otherwise a comma-separated list. */
	static boolean wants(String eventTypes, String eventType) {
		if (eventTypes == null || eventTypes.isBlank()) {
			return ALL_EVENT_TYPES.contains(eventType);
		}
		return Arrays.stream(eventTypes.split(",")).map(String::trim).collect(Collectors.toSet()).contains(eventType);
	}

}
