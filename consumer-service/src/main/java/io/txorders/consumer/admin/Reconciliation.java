package io.txorders.consumer.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The invariants across both databases, meaningful when the system is quiet (in flight,
 * an order may be confirmed a moment before its points are credited):
 * <ul>
 * <li>stock reserved for each SKU = the sum of its live (RESERVED) reservations;</li>
 * <li>a CANCELLED order has no live reservation and its points sum to zero;</li>
 * <li>a CONFIRMED order has a live reservation for each of its lines and exactly one
 * points credit, not reversed.</li>
 * </ul>
 */
public final class Reconciliation {

	private final JdbcTemplate orders;

	private final JdbcTemplate consumer;

	/**
	 * @param orders the orders database (read only)
	 * @param consumer the consumer database (read only)
	 */
	public Reconciliation(JdbcTemplate orders, JdbcTemplate consumer) {
		this.orders = orders;
		this.consumer = consumer;
	}

	/** Every violation found, described; empty when everything reconciles. */
	public List<String> violations() {
		List<String> violations = new ArrayList<>();
		for (Map<String, Object> row : this.consumer.queryForList("""
				SELECT s.sku, s.reserved, COALESCE(SUM(r.quantity), 0) AS live
				FROM stock s LEFT JOIN reservation r ON r.sku = s.sku AND r.status = 'RESERVED'
				GROUP BY s.sku, s.reserved HAVING s.reserved <> COALESCE(SUM(r.quantity), 0)
				""")) {
			violations.add("stock " + row.get("sku") + ": reserved " + row.get("reserved")
					+ " but live reservations sum to " + row.get("live"));
		}
		for (Long orderId : this.orders.queryForList("SELECT id FROM orders WHERE status = 'CANCELLED'", Long.class)) {
			int live = count("SELECT COUNT(*) FROM reservation WHERE order_id = ? AND status = 'RESERVED'", orderId);
			if (live > 0) {
				violations.add("cancelled order " + orderId + " still holds " + live + " reservation(s)");
			}
			Integer points = this.consumer.queryForObject(
					"SELECT COALESCE(SUM(points), 0) FROM points_ledger WHERE order_id = ?", Integer.class, orderId);
			if (points != 0) {
				violations.add("cancelled order " + orderId + " keeps " + points + " points");
			}
		}
		for (Long orderId : this.orders.queryForList("SELECT id FROM orders WHERE status = 'CONFIRMED'", Long.class)) {
			int lines = this.orders.queryForObject("SELECT COUNT(*) FROM order_item WHERE order_id = ?", Integer.class,
					orderId);
			int live = count("SELECT COUNT(*) FROM reservation WHERE order_id = ? AND status = 'RESERVED'", orderId);
			if (live != lines) {
				violations.add("confirmed order " + orderId + " has " + live + " live reservation(s) for " + lines
						+ " line(s)");
			}
			int credits = count("SELECT COUNT(*) FROM points_ledger WHERE order_id = ? AND entry_type = 'CREDIT'",
					orderId);
			int debits = count("SELECT COUNT(*) FROM points_ledger WHERE order_id = ? AND entry_type = 'DEBIT'",
					orderId);
			if (credits != 1 || debits != 0) {
				violations
					.add("confirmed order " + orderId + " has " + credits + " credit(s) and " + debits + " debit(s)");
			}
		}
		return violations;
	}

	private int count(String sql, long orderId) {
		return this.consumer.queryForObject(sql, Integer.class, orderId);
	}

}
