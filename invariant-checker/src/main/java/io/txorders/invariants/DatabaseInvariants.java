package io.txorders.invariants;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The promises, checked across the orders database and the consumer database. Meaningful
 * once the system is quiet: in flight, an order may be confirmed a moment before its
 * points are credited. Both databases are read in full, which is fine for the hundreds of
 * thousands of orders a test or a soak produces.
 */
public final class DatabaseInvariants {

	/** Kinds of violation, as the report names them. */
	public static final String NOT_FINAL = "orders not final (lost in flight)";

	public static final String BARRIER = "orders without a COMMITTED barrier row";

	public static final String LOST_EFFECT = "effects lost";

	public static final String DUPLICATED = "effects or transitions applied twice";

	public static final String NOT_COMPENSATED = "cancelled orders not compensated";

	public static final String ORPHANS = "orphans (effects without an order)";

	public static final String STOCK = "stock not reconciled";

	static final List<String> GROUPS = List.of("inventory", "points");

	private final JdbcTemplate orders;

	private final JdbcTemplate consumer;

	public DatabaseInvariants(DataSource orders, DataSource consumer) {
		this.orders = new JdbcTemplate(orders);
		this.consumer = new JdbcTemplate(consumer);
	}

	/** The number of orders not yet CONFIRMED or CANCELLED. */
	public int ordersInFlight() {
		return this.orders.queryForObject("SELECT COUNT(*) FROM orders WHERE status = 'CREATED'", Integer.class);
	}

	/**
	 * The number of orders already CONFIRMED or CANCELLED that some group has not yet
	 * brought to the matching state (CONFIRMED: APPLIED; CANCELLED: CANCELLED or
	 * COMPENSATED). The broker's lag does not see all of this work: a message that failed
	 * waits out its retry backoff in the broker's delay-level queues
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
				if (!settled(order.getValue(), states.get(new GroupOrder(group, order.getKey())))) {
					settling++;
					break;
				}
			}
		}
		return settling;
	}

	private static boolean settled(String orderStatus, String effectState) {
		return "CONFIRMED".equals(orderStatus) ? "APPLIED".equals(effectState)
				: "CANCELLED".equals(effectState) || "COMPENSATED".equals(effectState);
	}

	/** Units per SKU, {@code available + reserved}: constant whatever orders do. */
	public Map<String, Integer> stockUnits() {
		Map<String, Integer> units = new TreeMap<>();
		each(this.consumer, "SELECT sku, available + reserved FROM stock",
				(row) -> units.put(row.getString(1), row.getInt(2)));
		return units;
	}

	/**
	 * Every invariant, for a quiet system: an order still CREATED is a violation.
	 * @param report where figures and violations go
	 * @param stockBaseline units per SKU before the run (see {@link #stockUnits()}), or
	 * empty to skip that check
	 */
	public void check(Report report, Map<String, Integer> stockBaseline) {
		check(report, stockBaseline, true);
	}

	/**
	 * The invariants of a system that may be taking orders (the admin API's
	 * reconciliation): orders still CREATED are counted as in flight, not as violations.
	 * Effects still settling on a confirmed or cancelled order show as violations until
	 * they land.
	 */
	public Report reconcile() {
		Report report = new Report();
		check(report, Map.of(), false);
		return report;
	}

	private void check(Report report, Map<String, Integer> stockBaseline, boolean quiet) {
		Map<Long, Order> byId = loadOrders();
		Set<Long> existing = Set.copyOf(byId.keySet());
		if (!quiet) {
			byId.values().removeIf((order) -> "CREATED".equals(order.status()));
			report.figure("orders in flight", existing.size() - byId.size());
		}
		Map<String, Integer> byStatus = new TreeMap<>();
		byId.values().forEach((order) -> byStatus.merge(order.status(), 1, Integer::sum));
		report.figure("orders", byId.size());
		byStatus.forEach((status, count) -> report.figure("orders " + status, count));
		for (String kind : List.of(NOT_FINAL, BARRIER, LOST_EFFECT, DUPLICATED, NOT_COMPENSATED, ORPHANS, STOCK)) {
			report.checked(kind);
		}
		checkBarrier(report, byId);
		checkTransitions(report, byId);
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
		}
		checkOrphans(report, existing, effects);
		checkStock(report, stockBaseline);
	}

	private Map<Long, Order> loadOrders() {
		Map<Long, Order> byId = new HashMap<>();
		each(this.orders, "SELECT o.id, o.status, o.total, o.tx_id, r.state FROM orders o "
				+ "LEFT JOIN transaction_record r ON r.tx_id = o.tx_id", (row) -> {
					byId.put(row.getLong(1),
							new Order(row.getLong(1), row.getString(2), row.getBigDecimal(3), row.getString(5)));
				});
		each(this.orders, "SELECT order_id, sku, quantity FROM order_item", (row) -> {
			Order order = byId.get(row.getLong(1));
			if (order != null) {
				order.lines().merge(row.getString(2), row.getInt(3), Integer::sum);
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

	private void checkTransitions(Report report, Map<Long, Order> byId) {
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
				(row) -> effects.reservations.computeIfAbsent(row.getLong(1), (id) -> new HashMap<>())
					.put(row.getString(2), new Reservation(row.getInt(3), row.getString(4))));
		each(this.consumer, "SELECT order_id FROM inventory_rejection",
				(row) -> effects.rejections.add(row.getLong(1)));
		each(this.consumer, "SELECT order_id, entry_type, points FROM points_ledger",
				(row) -> effects.points.computeIfAbsent(row.getLong(1), (id) -> new HashMap<>())
					.put(row.getString(2), row.getInt(3)));
		return effects;
	}

	private void checkOrder(Report report, Order order, Effects effects) {
		String name = "order " + order.id() + " (" + order.status() + ")";
		Map<String, Reservation> reserved = effects.reservations.getOrDefault(order.id(), Map.of());
		Map<String, Integer> points = effects.points.getOrDefault(order.id(), Map.of());
		switch (order.status()) {
			case "CREATED" -> report.violation(NOT_FINAL, name + " never reached CONFIRMED or CANCELLED");
			case "CONFIRMED" -> {
				for (String group : GROUPS) {
					String state = effects.groups.get(new GroupOrder(group, order.id()));
					if (!"APPLIED".equals(state)) {
						report.violation(LOST_EFFECT, name + ": group " + group + " is " + state + ", not APPLIED");
					}
				}
				if (effects.rejections.contains(order.id())) {
					report.violation(LOST_EFFECT, name + " is confirmed although inventory rejected it");
				}
				Map<String, Integer> live = new TreeMap<>();
				reserved.forEach((sku, reservation) -> {
					if ("RESERVED".equals(reservation.status)) {
						live.put(sku, reservation.quantity);
					}
				});
				if (!live.equals(new TreeMap<>(order.lines()))) {
					report.violation(LOST_EFFECT, name + " reserves " + live + " for lines " + order.lines());
				}
				Integer credit = points.get("CREDIT");
				int expected = order.total().setScale(0, RoundingMode.DOWN).intValueExact();
				if (credit == null) {
					report.violation(LOST_EFFECT, name + " has no points credit");
				}
				else if (credit != expected) {
					report.violation(DUPLICATED, name + " was credited " + credit + " points, expected " + expected);
				}
				if (points.containsKey("DEBIT")) {
					report.violation(DUPLICATED, name + " is confirmed but its points were debited");
				}
			}
			case "CANCELLED" -> {
				for (String group : GROUPS) {
					String state = effects.groups.get(new GroupOrder(group, order.id()));
					if (state == null) {
						report.violation(LOST_EFFECT, name + ": group " + group + " never saw the order");
					}
					else if (!settled(order.status(), state)) {
						report.violation(NOT_COMPENSATED, name + ": group " + group + " is still " + state
								+ ", its OrderCancelled never applied");
					}
				}
				reserved.forEach((sku, reservation) -> {
					if ("RESERVED".equals(reservation.status)) {
						report.violation(NOT_COMPENSATED, name + " still holds " + reservation.quantity + " " + sku);
					}
				});
				int sum = points.values().stream().mapToInt(Integer::intValue).sum();
				if (sum != 0) {
					report.violation(NOT_COMPENSATED, name + " keeps " + sum + " points");
				}
			}
			default -> report.violation(LOST_EFFECT, name + " has an unknown status");
		}
	}

	private void checkOrphans(Report report, Set<Long> orderIds, Effects effects) {
		Set<Long> referenced = new HashSet<>(effects.reservations.keySet());
		referenced.addAll(effects.rejections);
		referenced.addAll(effects.points.keySet());
		effects.groups.keySet().forEach((key) -> referenced.add(key.orderId));
		referenced.removeAll(orderIds);
		referenced.stream()
			.sorted()
			.forEach((orderId) -> report.violation(ORPHANS, "effects for order " + orderId + ", which does not exist"));
	}

	private void checkStock(Report report, Map<String, Integer> baseline) {
		each(this.consumer, """
				SELECT s.sku, s.reserved, COALESCE(SUM(r.quantity), 0) FROM stock s
				LEFT JOIN reservation r ON r.sku = s.sku AND r.status = 'RESERVED'
				GROUP BY s.sku, s.reserved HAVING s.reserved <> COALESCE(SUM(r.quantity), 0)""",
				(row) -> report.violation(STOCK, "stock " + row.getString(1) + ": reserved " + row.getInt(2)
						+ " but live reservations sum to " + row.getInt(3)));
		if (baseline.isEmpty()) {
			return;
		}
		Map<String, Integer> now = stockUnits();
		baseline.forEach((sku, units) -> {
			Integer current = now.get(sku);
			if (!units.equals(current)) {
				report.violation(STOCK,
						"stock " + sku + ": available + reserved is " + current + ", was " + units + " before");
			}
		});
	}

	private static void each(JdbcTemplate jdbc, String sql, RowCallbackHandler handler) {
		jdbc.query(sql, handler);
	}

	/** An order as read, with its lines (SKU to quantity) filled in afterwards. */
	private record Order(long id, String status, BigDecimal total, String barrier, Map<String, Integer> lines) {

		Order(long id, String status, BigDecimal total, String barrier) {
			this(id, status, total, barrier, new TreeMap<>());
		}

	}

	private record GroupOrder(String group, long orderId) {
	}

	private record Reservation(int quantity, String status) {
	}

	private static final class Effects {

		final Map<GroupOrder, String> groups = new HashMap<>();

		final Map<Long, Map<String, Reservation>> reservations = new HashMap<>();

		final Set<Long> rejections = new HashSet<>();

		final Map<Long, Map<String, Integer>> points = new HashMap<>();

	}

}
