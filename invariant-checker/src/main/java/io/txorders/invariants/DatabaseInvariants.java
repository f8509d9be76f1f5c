package io.txorders.invariants;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The promises, checked across the orders database and the consumer database. Meaningful
 * once the system is quiet: in flight, an order may be confirmed a moment before its
 * payment is captured. Both databases are read in full, which is fine for the hundreds of
 * thousands of orders a test or a soak produces.
 * <p>
 * The order is a saga of TCC steps: {@code inventory} reserves and {@code payment}
 * freezes (Try), both reply; a CONFIRMED order is sold, captured and credited with points
 * (Confirm); a CANCELLED order is released or restocked, unfrozen or refunded, and its
 * points reversed (Cancel).
 * <p>
 * Both databases have a local message table ({@code outbox_message}): the orders
 * database's holds the order events the broker could not take, the consumer database's
 * the participants' replies. A row there is an event not yet published; once quiet, none
 * may be left.
 * <p>
 * The orders database also holds the merchants' webhooks: each final transition notifies
 * every active endpoint that wants it, in the same transaction; once quiet, each
 * notification has been delivered or given up.
 */
public final class DatabaseInvariants {

	/** Kinds of violation, as the report names them. */
	public static final String NOT_FINAL = "orders not final (lost in flight)";

	public static final String BARRIER = "orders without a COMMITTED barrier row";

	public static final String LOST_EFFECT = "effects lost";

	public static final String DUPLICATED = "effects or transitions applied twice";

	public static final String CONTRADICTED = "effects that contradict the order's state";

	public static final String NOT_COMPENSATED = "cancelled orders not compensated";

	public static final String TRY_REPLIES = "orders decided against their Try replies";

	public static final String ORPHANS = "orphans (effects without an order)";

	public static final String STOCK = "stock not reconciled";

	public static final String FUNDS = "funds not reconciled";

	/**
	 * Events still in a local message table ({@code outbox_message}) once quiet: written
	 * with their rows, never published.
	 */
	public static final String OUTBOX = "outbox rows pending";

	/**
	 * Webhook notifications of an endpoint that is not disabled, neither DELIVERED nor
	 * FAILED once quiet: a merchant still owed a POST.
	 */
	public static final String WEBHOOKS_PENDING = "webhook notifications pending";

	/**
	 * Transitions to CONFIRMED or CANCELLED without the notification each active endpoint
	 * that wants the event was owed.
	 */
	public static final String WEBHOOKS_NOT_NOTIFIED = "final transitions not notified";

	/** Webhook notifications of a transition the order never made. */
	public static final String WEBHOOKS_INVENTED = "notifications without a transition";

	/** The production default of {@code ORDER_CONFIRM_TIMEOUT}. */
	public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofMinutes(15);

	static final List<String> GROUPS = List.of("inventory", "payment", "points");

	/** The Try's participants, as the coordinator records their replies. */
	static final List<String> PARTICIPANTS = List.of("INVENTORY", "PAYMENT");

	/**
	 * The states each group's effect row ends in once a CONFIRMED order's Confirm is
	 * applied. Points have no Try: their one step, the credit on OrderConfirmed, may be
	 * recorded as either.
	 */
	static final Map<String, Set<String>> CONFIRMED_STATES = Map.of("inventory", Set.of("CONFIRMED"), "payment",
			Set.of("CONFIRMED"), "points", Set.of("APPLIED", "CONFIRMED"));

	/**
	 * Cancelled before the Try came (the Try is then skipped), or its effects undone.
	 */
	static final Set<String> CANCELLED_STATES = Set.of("CANCELLED", "COMPENSATED");

	private final JdbcTemplate orders;

	private final JdbcTemplate consumer;

	private final Duration confirmTimeout;

	public DatabaseInvariants(DataSource orders, DataSource consumer) {
		this(orders, consumer, DEFAULT_CONFIRM_TIMEOUT);
	}

	/**
	 * @param confirmTimeout the coordinator's {@code ORDER_CONFIRM_TIMEOUT}: an order
	 * still CREATED after it is a violation even while orders are taken
	 */
	public DatabaseInvariants(DataSource orders, DataSource consumer, Duration confirmTimeout) {
		this.orders = new JdbcTemplate(orders);
		this.consumer = new JdbcTemplate(consumer);
		this.confirmTimeout = confirmTimeout;
	}

	/** The number of orders not yet CONFIRMED or CANCELLED. */
	public int ordersInFlight() {
		return this.orders.queryForObject("SELECT COUNT(*) FROM orders WHERE status = 'CREATED'", Integer.class);
	}

	/**
	 * Rows in the local message tables of both databases: events whose rows committed and
	 * that no broker has yet. The relays drain them; the wait for quiet waits on them.
	 */
	public long outboxPending() {
		return outboxBacklog().values().stream().mapToLong(OutboxBacklog::pending).sum();
	}

	/**
	 * Discarded half messages of a broker group, from an offset on, that an operator
	 * resolved: {@code half_message_resolution} rows in both databases (each app resolves
	 * its own producer group's).
	 */
	public long halvesResolved(String broker, long fromOffset) {
		long resolved = 0;
		for (JdbcTemplate database : List.of(this.orders, this.consumer)) {
			Long count = database.queryForObject(
					"SELECT COUNT(*) FROM half_message_resolution WHERE broker_name = ? AND discard_offset >= ?",
					Long.class, broker, fromOffset);
			resolved += (count != null) ? count : 0;
		}
		return resolved;
	}

	/**
	 * Webhook notifications a dispatcher still owes a POST: PENDING, of an endpoint that
	 * is not disabled. The wait for quiet waits on them.
	 */
	public long webhooksPending() {
		return new WebhookInvariants(this.orders).pending();
	}

	/**
	 * Each database's local message table ({@code orders}, then {@code consumer}): rows
	 * pending and the age of the oldest.
	 */
	public Map<String, OutboxBacklog> outboxBacklog() {
		Map<String, OutboxBacklog> backlog = new LinkedHashMap<>();
		backlog.put("orders", outboxBacklog(this.orders));
		backlog.put("consumer", outboxBacklog(this.consumer));
		return backlog;
	}

	private static OutboxBacklog outboxBacklog(JdbcTemplate jdbc) {
		return jdbc.queryForObject(
				"SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at), NOW(3)), 0) FROM outbox_message",
				(row, n) -> new OutboxBacklog(row.getLong(1), Math.max(0, row.getLong(2))));
	}

	/**
	 * One local message table at a glance.
	 *
	 * @param pending rows waiting for a relay
	 * @param oldestSeconds age of the oldest, 0 when none waits
	 */
	public record OutboxBacklog(long pending, long oldestSeconds) {
	}

	/**
	 * The number of orders already CONFIRMED or CANCELLED that some group has not yet
	 * brought to the matching state (see {@link #CONFIRMED_STATES} and
	 * {@link #CANCELLED_STATES}). The broker's lag does not see all of this work: a
	 * message that failed waits out its retry backoff in the broker's delay-level queues
	 * ({@code SCHEDULE_TOPIC_XXXX}), not in a queue the group reads, and a consumer that
	 * receives through the gRPC proxy (pop) moves its group's offset when it takes a
	 * message, so what it held when it or the broker stopped shows no lag until the
	 * proxy's invisibility timeout delivers it again.
	 */
	public int effectsSettling() {
		Map<Long, String> finalOrders = new HashMap<>();
		each(this.orders, "SELECT id, status FROM orders WHERE status IN ('CONFIRMED', 'CANCELLED')",
				(row) -> finalOrders.put(row.getLong(1), row.getString(2)));
		Map<GroupOrder, String> states = new HashMap<>();
		each(this.consumer, "SELECT consumer_group, order_id, state FROM order_effect",
				(row) -> states.put(new GroupOrder(row.getString(1), row.getLong(2)), row.getString(3)));
		int settling = 0;
		for (Map.Entry<Long, String> order : finalOrders.entrySet()) {
			for (String group : GROUPS) {
				if (!settled(group, order.getValue(), states.get(new GroupOrder(group, order.getKey())))) {
					settling++;
					break;
				}
			}
		}
		return settling;
	}

	private static boolean settled(String group, String orderStatus, String effectState) {
		Set<String> states = "CONFIRMED".equals(orderStatus) ? CONFIRMED_STATES.get(group) : CANCELLED_STATES;
		return effectState != null && states.contains(effectState);
	}

	/**
	 * Units per SKU, {@code available + reserved + sold}: constant whatever orders do
	 * (only restocking by hand adds units).
	 */
	public Map<String, Integer> stockUnits() {
		Map<String, Integer> units = new TreeMap<>();
		each(this.consumer, "SELECT sku, available + reserved + sold FROM stock",
				(row) -> units.put(row.getString(1), row.getInt(2)));
		return units;
	}

	/**
	 * The money the databases cannot tell apart from money created or lost: every
	 * account's balance plus the totals of the CONFIRMED orders (the money the shop
	 * took), less every deposit. Placing, confirming, cancelling and depositing leave it
	 * as it is; it is 0 on databases where every order went through payment. A run
	 * checked with it taken before as {@code fundsBaseline} must leave it as it was.
	 */
	public BigDecimal funds() {
		BigDecimal customers = this.consumer.queryForObject("""
				SELECT COALESCE((SELECT SUM(balance) FROM account), 0)
				     - COALESCE((SELECT SUM(amount) FROM account_ledger WHERE entry_type = 'DEPOSIT'), 0)""",
				BigDecimal.class);
		BigDecimal confirmed = this.orders
			.queryForObject("SELECT COALESCE(SUM(total), 0) FROM orders WHERE status = 'CONFIRMED'", BigDecimal.class);
		return customers.add(confirmed);
	}

	/**
	 * Every invariant, for a quiet system: an order still CREATED is a violation.
	 * @param report where figures and violations go
	 * @param stockBaseline units per SKU before the run (see {@link #stockUnits()}), or
	 * empty to skip that check
	 */
	public void check(Report report, Map<String, Integer> stockBaseline) {
		check(report, stockBaseline, null);
	}

	/**
	 * Every invariant, for a quiet system: an order still CREATED is a violation.
	 * @param report where figures and violations go
	 * @param stockBaseline units per SKU before the run (see {@link #stockUnits()}), or
	 * empty to skip that check
	 * @param fundsBaseline {@link #funds()} before the run, or {@code null} to skip it
	 */
	public void check(Report report, Map<String, Integer> stockBaseline, BigDecimal fundsBaseline) {
		check(report, stockBaseline, fundsBaseline, true);
	}

	/**
	 * The invariants of a system that may be taking orders (the admin API's
	 * reconciliation): orders still CREATED are counted as in flight, not as violations,
	 * unless they are older than the confirmation timeout. Effects still settling on a
	 * confirmed or cancelled order show as violations until they land. Rows in the local
	 * message tables are figures only: they wait while the broker is away, and the alert
	 * on the age of the oldest watches them. So are webhook notifications still pending:
	 * they wait while their endpoint is down (TxordersWebhooksBacklog watches them).
	 */
	public Report reconcile() {
		Report report = new Report();
		check(report, Map.of(), null, false);
		return report;
	}

	private void check(Report report, Map<String, Integer> stockBaseline, BigDecimal fundsBaseline, boolean quiet) {
		Map<Long, Order> byId = loadOrders();
		Set<Long> existing = Set.copyOf(byId.keySet());
		if (!quiet) {
			Instant overdue = Instant.now().minus(this.confirmTimeout);
			byId.values().removeIf((order) -> "CREATED".equals(order.status()) && !order.createdAt().isBefore(overdue));
			report.figure("orders in flight", existing.size() - byId.size());
		}
		Map<String, Integer> byStatus = new TreeMap<>();
		byId.values().forEach((order) -> byStatus.merge(order.status(), 1, Integer::sum));
		report.figure("orders", byId.size());
		byStatus.forEach((status, count) -> report.figure("orders " + status, count));
		for (String kind : List.of(NOT_FINAL, BARRIER, LOST_EFFECT, DUPLICATED, CONTRADICTED, NOT_COMPENSATED,
				TRY_REPLIES, ORPHANS, STOCK, FUNDS, WEBHOOKS_NOT_NOTIFIED, WEBHOOKS_INVENTED)) {
			report.checked(kind);
		}
		if (quiet) {
			report.checked(OUTBOX);
			report.checked(WEBHOOKS_PENDING);
		}
		checkBarrier(report, byId);
		checkTransitions(report);
		Effects effects = loadEffects();
		Map<String, Integer> effectFigures = new TreeMap<>();
		effects.groups.forEach((key, state) -> effectFigures.merge(key.group + " " + state, 1, Integer::sum));
		effectFigures.forEach((name, count) -> report.figure("effects " + name, count));
		each(this.consumer, """
				SELECT consumer_group, event_type, outcome, COUNT(*) FROM consumed_message
				GROUP BY consumer_group, event_type, outcome ORDER BY 1, 2, 3""", (row) -> report
			.figure("applied " + row.getString(1) + " " + row.getString(2) + " " + row.getString(3), row.getInt(4)));
		for (Order order : byId.values()) {
			checkOrder(report, order, effects);
			checkTryReplies(report, order, effects);
		}
		checkOrphans(report, existing, effects);
		checkStock(report, stockBaseline);
		new FundsInvariants(this.consumer).check(report, effects.holds, effects.ledger, quiet);
		BigDecimal funds = funds();
		report.figure("funds (balances + confirmed totals - deposits)", funds);
		if (fundsBaseline != null && funds.compareTo(fundsBaseline) != 0) {
			report.violation(FUNDS,
					"balances + confirmed totals - deposits is " + funds.toPlainString() + ", was "
							+ fundsBaseline.toPlainString() + " before: "
							+ funds.subtract(fundsBaseline).toPlainString() + " created or lost");
		}
		checkOutbox(report, "orders", this.orders, quiet);
		checkOutbox(report, "consumer", this.consumer, quiet);
		new WebhookInvariants(this.orders).check(report, quiet);
	}

	/**
	 * The local message table's rows pending and the age of the oldest; once quiet, each
	 * row is a violation: no relay published its event.
	 */
	private static void checkOutbox(Report report, String database, JdbcTemplate jdbc, boolean quiet) {
		OutboxBacklog backlog = outboxBacklog(jdbc);
		report.figure("outbox " + database + " pending", backlog.pending());
		report.figure("outbox " + database + " oldest seconds", backlog.oldestSeconds());
		if (!quiet || backlog.pending() == 0) {
			return;
		}
		each(jdbc, """
				SELECT id, tag, message_key, reason, attempts, last_error,
				       TIMESTAMPDIFF(SECOND, created_at, NOW(3)), lease_owner IS NOT NULL
				FROM outbox_message ORDER BY created_at, id""", (row) -> {
			String lastError = row.getString(6);
			report.violation(OUTBOX,
					database + " database: row " + row.getLong(1) + ", " + row.getString(2) + " " + row.getString(3)
							+ ", waiting " + row.getLong(7) + " s (" + row.getString(4) + ", " + row.getInt(5)
							+ " failed attempt(s)" + (row.getBoolean(8) ? ", claimed by a relay" : "")
							+ ((lastError != null) ? ", last error: " + lastError : "") + ")");
		});
	}

	private Map<Long, Order> loadOrders() {
		Map<Long, Order> byId = new HashMap<>();
		each(this.orders, "SELECT o.id, o.status, o.total, o.tx_id, r.state, o.user_id, o.currency, o.created_at "
				+ "FROM orders o LEFT JOIN transaction_record r ON r.tx_id = o.tx_id", (row) -> {
					Timestamp created = row.getTimestamp(8);
					byId.put(row.getLong(1),
							new Order(row.getLong(1), row.getString(2), row.getBigDecimal(3), row.getString(5),
									row.getString(6), row.getString(7),
									(created != null) ? created.toInstant() : Instant.EPOCH));
				});
		each(this.orders, "SELECT order_id, sku, quantity FROM order_item", (row) -> {
			Order order = byId.get(row.getLong(1));
			if (order != null) {
				order.lines().merge(row.getString(2), row.getInt(3), Integer::sum);
			}
		});
		each(this.orders, "SELECT order_id, to_status, cause FROM order_history ORDER BY id", (row) -> {
			Order order = byId.get(row.getLong(1));
			if (order != null) {
				order.history().put(row.getString(2), row.getString(3));
			}
		});
		each(this.orders, "SELECT order_id, participant, outcome FROM order_try_reply", (row) -> {
			Order order = byId.get(row.getLong(1));
			if (order != null) {
				order.replies().put(row.getString(2), row.getString(3));
			}
		});
		return byId;
	}

	private void checkBarrier(Report report, Map<Long, Order> byId) {
		byId.values()
			.stream()
			.filter((order) -> !"COMMITTED".equals(order.barrier()))
			.forEach((order) -> report.violation(BARRIER,
					"order " + order.id() + " is written but its transaction record is " + order.barrier()));
	}

	private void checkTransitions(Report report) {
		each(this.orders, """
				SELECT order_id, to_status, COUNT(*) FROM order_history
				GROUP BY order_id, to_status HAVING COUNT(*) > 1""", (row) -> report.violation(DUPLICATED,
				"order " + row.getLong(1) + " moved to " + row.getString(2) + " " + row.getInt(3) + " times"));
	}

	private Effects loadEffects() {
		Effects effects = new Effects();
		each(this.consumer, "SELECT consumer_group, order_id, state FROM order_effect",
				(row) -> effects.groups.put(new GroupOrder(row.getString(1), row.getLong(2)), row.getString(3)));
		each(this.consumer, "SELECT order_id, sku, quantity, status FROM reservation",
				(row) -> effects.reservations.computeIfAbsent(row.getLong(1), (id) -> new TreeMap<>())
					.put(row.getString(2), new Reservation(row.getInt(3), row.getString(4))));
		each(this.consumer, "SELECT order_id FROM inventory_rejection",
				(row) -> effects.inventoryRejections.add(row.getLong(1)));
		each(this.consumer, "SELECT order_id FROM payment_rejection",
				(row) -> effects.paymentRejections.add(row.getLong(1)));
		each(this.consumer, "SELECT order_id, entry_type, points FROM points_ledger",
				(row) -> effects.points.computeIfAbsent(row.getLong(1), (id) -> new HashMap<>())
					.put(row.getString(2), row.getInt(3)));
		each(this.consumer, "SELECT order_id, customer_id, amount, currency, status FROM payment_hold",
				(row) -> effects.holds.put(row.getLong(1), new FundsInvariants.Hold(row.getLong(1), row.getString(2),
						row.getBigDecimal(3), row.getString(4), row.getString(5))));
		each(this.consumer,
				"SELECT order_id, entry_type, customer_id, amount FROM account_ledger " + "WHERE order_id IS NOT NULL",
				(row) -> effects.ledger.computeIfAbsent(row.getLong(1), (id) -> new TreeMap<>())
					.put(row.getString(2), new FundsInvariants.Entry(row.getString(3), row.getBigDecimal(4))));
		return effects;
	}

	private void checkOrder(Report report, Order order, Effects effects) {
		String name = "order " + order.id() + " (" + order.status() + ")";
		switch (order.status()) {
			case "CREATED" -> report.violation(NOT_FINAL,
					name + " never reached CONFIRMED or CANCELLED, placed "
							+ Duration.between(order.createdAt(), Instant.now()).toSeconds()
							+ " s ago (confirmation timeout " + this.confirmTimeout.toSeconds() + " s)");
			case "CONFIRMED" -> checkConfirmed(report, name, order, effects);
			case "CANCELLED" -> checkCancelled(report, name, order, effects);
			default -> report.violation(LOST_EFFECT, name + " has an unknown status");
		}
	}

	/** Sold for every line, captured once, credited once; nothing undone. */
	private void checkConfirmed(Report report, String name, Order order, Effects effects) {
		for (String group : GROUPS) {
			String state = effects.groups.get(new GroupOrder(group, order.id()));
			if (!settled(group, order.status(), state)) {
				report.violation(LOST_EFFECT, name + ": group " + group + " is " + state + ", not "
						+ String.join(" or ", new TreeSet<>(CONFIRMED_STATES.get(group))));
			}
		}
		if (effects.inventoryRejections.contains(order.id())) {
			report.violation(CONTRADICTED, name + " is confirmed although inventory rejected it");
		}
		if (effects.paymentRejections.contains(order.id())) {
			report.violation(CONTRADICTED, name + " is confirmed although payment rejected it");
		}
		Map<String, Reservation> reservations = effects.reservations.getOrDefault(order.id(), Map.of());
		Map<String, Integer> sold = quantities(reservations, "SOLD");
		if (!sold.equals(order.lines()) || sold.size() != reservations.size()) {
			report.violation(LOST_EFFECT,
					name + " has reservations " + reservations + " for lines " + order.lines() + ", not all SOLD");
		}
		FundsInvariants.Hold hold = effects.holds.get(order.id());
		Map<String, FundsInvariants.Entry> ledger = effects.ledger.getOrDefault(order.id(), Map.of());
		if (hold == null) {
			report.violation(LOST_EFFECT, name + " has no payment hold");
		}
		else {
			if (!"CAPTURED".equals(hold.status())) {
				report.violation(("FROZEN".equals(hold.status()) ? LOST_EFFECT : CONTRADICTED),
						name + ": its payment hold is " + hold.status() + ", not CAPTURED");
			}
			checkHoldMatchesOrder(report, name, order, hold);
		}
		if (!ledger.containsKey("CAPTURE")) {
			report.violation(LOST_EFFECT, name + " has no CAPTURE in the account ledger");
		}
		for (String undo : List.of("UNFREEZE", "REFUND")) {
			if (ledger.containsKey(undo)) {
				report.violation(CONTRADICTED, name + " is confirmed but the ledger holds its " + undo);
			}
		}
		Map<String, Integer> points = effects.points.getOrDefault(order.id(), Map.of());
		Integer credit = points.get("CREDIT");
		int expected = order.total().setScale(0, RoundingMode.DOWN).intValueExact();
		if (credit == null) {
			report.violation(LOST_EFFECT, name + " has no points credit");
		}
		else if (credit != expected) {
			report.violation(DUPLICATED, name + " was credited " + credit + " points, expected " + expected);
		}
		if (points.containsKey("DEBIT")) {
			report.violation(CONTRADICTED, name + " is confirmed but its points were debited");
		}
	}

	/**
	 * Nothing held, sold, frozen or captured remains; what was captured was refunded
	 * once; points credited on a confirm were debited.
	 */
	private void checkCancelled(Report report, String name, Order order, Effects effects) {
		for (String group : GROUPS) {
			String state = effects.groups.get(new GroupOrder(group, order.id()));
			if (state == null) {
				report.violation(LOST_EFFECT, name + ": group " + group + " never saw the order");
			}
			else if (!CANCELLED_STATES.contains(state)) {
				report.violation(NOT_COMPENSATED,
						name + ": group " + group + " is still " + state + ", its OrderCancelled never applied");
			}
		}
		boolean wasConfirmed = order.history().containsKey("CONFIRMED");
		effects.reservations.getOrDefault(order.id(), Map.of()).forEach((sku, reservation) -> {
			switch (reservation.status) {
				case "RESERVED" ->
					report.violation(NOT_COMPENSATED, name + " still holds " + reservation.quantity + " " + sku);
				case "SOLD" -> report.violation(NOT_COMPENSATED,
						name + " still has " + reservation.quantity + " " + sku + " sold, not restocked");
				case "RESTOCKED" -> {
					if (!wasConfirmed) {
						report.violation(CONTRADICTED, name + " restocked " + reservation.quantity + " " + sku
								+ " it sold although it was never confirmed");
					}
				}
				default -> {
				}
			}
		});
		FundsInvariants.Hold hold = effects.holds.get(order.id());
		if (hold != null) {
			switch (hold.status()) {
				case "FROZEN" ->
					report.violation(NOT_COMPENSATED, name + " still has " + hold.amount().toPlainString() + " frozen");
				case "CAPTURED" -> report.violation(NOT_COMPENSATED,
						name + " keeps " + hold.amount().toPlainString() + " captured, not refunded");
				case "REFUNDED" -> {
					if (!wasConfirmed) {
						report.violation(CONTRADICTED,
								name + " was captured and refunded although it was never" + " confirmed");
					}
				}
				default -> {
				}
			}
			checkHoldMatchesOrder(report, name, order, hold);
		}
		Map<String, Integer> points = effects.points.getOrDefault(order.id(), Map.of());
		int sum = points.values().stream().mapToInt(Integer::intValue).sum();
		if (sum != 0) {
			report.violation(NOT_COMPENSATED, name + " keeps " + sum + " points");
		}
		if (points.containsKey("CREDIT") && !wasConfirmed) {
			report.violation(CONTRADICTED, name + " was credited points although it was never confirmed");
		}
	}

	/** The hold froze the order's total, in its currency, on its customer's account. */
	private static void checkHoldMatchesOrder(Report report, String name, Order order, FundsInvariants.Hold hold) {
		if (hold.amount().compareTo(order.total()) != 0 || !hold.currency().equals(order.currency())) {
			report.violation(FUNDS, name + ": its payment hold is " + hold.amount().toPlainString() + " "
					+ hold.currency() + " for a total of " + order.total().toPlainString() + " " + order.currency());
		}
		if (!hold.customerId().equals(order.userId())) {
			report.violation(FUNDS, name + ": its payment hold is on the account of " + hold.customerId()
					+ ", the order is " + order.userId() + "'s");
		}
	}

	/**
	 * A CONFIRMED order had both participants reserve; a rejection cancels and names its
	 * participant; a participant's reply matches what it recorded.
	 */
	private void checkTryReplies(Report report, Order order, Effects effects) {
		String name = "order " + order.id() + " (" + order.status() + ")";
		if ("CONFIRMED".equals(order.status()) || order.history().containsKey("CONFIRMED")) {
			for (String participant : PARTICIPANTS) {
				String outcome = order.replies().get(participant);
				if (!"RESERVED".equals(outcome)) {
					report.violation(TRY_REPLIES, name + " was confirmed but " + participant + " replied "
							+ ((outcome != null) ? outcome : "nothing"));
				}
			}
		}
		String cause = order.history().get("CANCELLED");
		if ("INVENTORY_REJECTED".equals(cause) && !"REJECTED".equals(order.replies().get("INVENTORY"))) {
			report.violation(TRY_REPLIES, name + " was cancelled as INVENTORY_REJECTED but inventory replied "
					+ order.replies().getOrDefault("INVENTORY", "nothing"));
		}
		if ("PAYMENT_REJECTED".equals(cause) && !"REJECTED".equals(order.replies().get("PAYMENT"))) {
			report.violation(TRY_REPLIES, name + " was cancelled as PAYMENT_REJECTED but payment replied "
					+ order.replies().getOrDefault("PAYMENT", "nothing"));
		}
		order.replies().forEach((participant, outcome) -> {
			boolean recorded = switch (participant + " " + outcome) {
				case "INVENTORY REJECTED" -> effects.inventoryRejections.contains(order.id());
				case "INVENTORY RESERVED" -> effects.reservations.containsKey(order.id());
				case "PAYMENT REJECTED" -> effects.paymentRejections.contains(order.id());
				case "PAYMENT RESERVED" -> effects.holds.containsKey(order.id());
				default -> false;
			};
			if (!recorded) {
				report.violation(TRY_REPLIES,
						name + ": " + participant + " replied " + outcome + " but recorded no such outcome");
			}
		});
	}

	private void checkOrphans(Report report, Set<Long> orderIds, Effects effects) {
		Set<Long> referenced = new TreeSet<>(effects.reservations.keySet());
		referenced.addAll(effects.inventoryRejections);
		referenced.addAll(effects.paymentRejections);
		referenced.addAll(effects.points.keySet());
		referenced.addAll(effects.holds.keySet());
		referenced.addAll(effects.ledger.keySet());
		effects.groups.keySet().forEach((key) -> referenced.add(key.orderId));
		referenced.removeAll(orderIds);
		referenced
			.forEach((orderId) -> report.violation(ORPHANS, "effects for order " + orderId + ", which does not exist"));
	}

	/**
	 * Each SKU's reserved and sold counts are its reservations', in one statement (one
	 * snapshot); with a baseline, no unit was created or lost.
	 */
	private void checkStock(Report report, Map<String, Integer> baseline) {
		each(this.consumer, """
				SELECT s.sku, s.reserved, s.sold,
				       COALESCE(SUM(CASE WHEN r.status = 'RESERVED' THEN r.quantity END), 0),
				       COALESCE(SUM(CASE WHEN r.status = 'SOLD' THEN r.quantity END), 0)
				FROM stock s LEFT JOIN reservation r ON r.sku = s.sku
				GROUP BY s.sku, s.reserved, s.sold
				HAVING s.reserved <> COALESCE(SUM(CASE WHEN r.status = 'RESERVED' THEN r.quantity END), 0)
				    OR s.sold <> COALESCE(SUM(CASE WHEN r.status = 'SOLD' THEN r.quantity END), 0)""", (row) -> {
			if (row.getInt(2) != row.getInt(4)) {
				report.violation(STOCK, "stock " + row.getString(1) + ": reserved " + row.getInt(2)
						+ " but live reservations sum to " + row.getInt(4));
			}
			if (row.getInt(3) != row.getInt(5)) {
				report.violation(STOCK, "stock " + row.getString(1) + ": sold " + row.getInt(3)
						+ " but sold reservations sum to " + row.getInt(5));
			}
		});
		each(this.consumer,
				"SELECT DISTINCT r.sku FROM reservation r LEFT JOIN stock s ON s.sku = r.sku "
						+ "WHERE s.sku IS NULL AND r.status IN ('RESERVED', 'SOLD')",
				(row) -> report.violation(STOCK, "reservations of " + row.getString(1) + ", which has no stock row"));
		if (baseline.isEmpty()) {
			return;
		}
		Map<String, Integer> now = stockUnits();
		baseline.forEach((sku, units) -> {
			Integer current = now.get(sku);
			if (!units.equals(current)) {
				report.violation(STOCK,
						"stock " + sku + ": available + reserved + sold is " + current + ", was " + units + " before");
			}
		});
	}

	static void each(JdbcTemplate jdbc, String sql, RowCallbackHandler handler) {
		jdbc.query(sql, handler);
	}

	private static Map<String, Integer> quantities(Map<String, Reservation> reservations, String status) {
		Map<String, Integer> quantities = new TreeMap<>();
		reservations.forEach((sku, reservation) -> {
			if (status.equals(reservation.status)) {
				quantities.put(sku, reservation.quantity);
			}
		});
		return quantities;
	}

	/**
	 * An order as read, with its lines (SKU to quantity), history (status to cause) and
	 * Try replies (participant to outcome) filled in afterwards.
	 */
	private record Order(long id, String status, BigDecimal total, String barrier, String userId, String currency,
			Instant createdAt, Map<String, Integer> lines, Map<String, String> history, Map<String, String> replies) {

		Order(long id, String status, BigDecimal total, String barrier, String userId, String currency,
				Instant createdAt) {
			this(id, status, total, barrier, userId, currency, createdAt, new TreeMap<>(), new HashMap<>(),
					new TreeMap<>());
		}

	}

	private record GroupOrder(String group, long orderId) {
	}

	private record Reservation(int quantity, String status) {

		@Override
		public String toString() {
			return this.quantity + " " + this.status;
		}

	}

	private static final class Effects {

		final Map<GroupOrder, String> groups = new HashMap<>();

		final Map<Long, Map<String, Reservation>> reservations = new HashMap<>();

		final Set<Long> inventoryRejections = new HashSet<>();

		final Set<Long> paymentRejections = new HashSet<>();

		final Map<Long, Map<String, Integer>> points = new HashMap<>();

		final Map<Long, FundsInvariants.Hold> holds = new HashMap<>();

		final Map<Long, Map<String, FundsInvariants.Entry>> ledger = new HashMap<>();

	}

}
