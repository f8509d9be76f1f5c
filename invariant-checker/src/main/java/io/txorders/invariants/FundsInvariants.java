package io.txorders.invariants;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;

import static io.txorders.invariants.DatabaseInvariants.FUNDS;
import static io.txorders.invariants.DatabaseInvariants.each;

/**
 * Group {@code payment}'s money, in the consumer database: each account equals its
 * ledger, each ledger entry moves what its type says, each hold has exactly the entries
 * its status implies, and what accounts hold frozen is what their FROZEN holds froze.
 * Each comparison of an account with its rows is one statement, so one snapshot: it holds
 * while orders are being taken too.
 */
final class FundsInvariants {

	/**
	 * The ledger entries of an order whose hold is in each status: the Try's FREEZE, then
	 * the Confirm's CAPTURE or the Cancel's UNFREEZE, and a REFUND of a captured hold.
	 */
	static final Map<String, Set<String>> ENTRIES_BY_HOLD_STATUS = Map.of("FROZEN", Set.of("FREEZE"), "CAPTURED",
			Set.of("FREEZE", "CAPTURE"), "RELEASED", Set.of("FREEZE", "UNFREEZE"), "REFUNDED",
			Set.of("FREEZE", "CAPTURE", "REFUND"));

	private final JdbcTemplate consumer;

	FundsInvariants(JdbcTemplate consumer) {
		this.consumer = consumer;
	}

	/** What payment's Try froze for an order, and where it stands. */
	record Hold(long orderId, String customerId, BigDecimal amount, String currency, String status) {
	}

	/** One ledger entry of an order. */
	record Entry(String customerId, BigDecimal amount) {

		@Override
		public String toString() {
			return this.amount.toPlainString();
		}

	}

	/**
	 * @param holds every payment hold by order id
	 * @param ledger every order's ledger entries, by order id and entry type
	 * @param quiet whether nothing is in flight: then no hold may still be FROZEN
	 */
	void check(Report report, Map<Long, Hold> holds, Map<Long, Map<String, Entry>> ledger, boolean quiet) {
		figures(report, holds);
		accountsEqualTheirLedgers(report);
		ledgerEntriesMoveWhatTheirTypeSays(report);
		frozenEqualsFrozenHolds(report);
		holdsMatchTheirEntries(report, holds, ledger);
		BigDecimal[] totals = this.consumer.queryForObject("""
				SELECT (SELECT COALESCE(SUM(balance), 0) FROM account),
				       (SELECT COALESCE(SUM(CASE entry_type WHEN 'DEPOSIT' THEN amount WHEN 'CAPTURE' THEN -amount
				                                            WHEN 'REFUND' THEN amount ELSE 0 END), 0)
				        FROM account_ledger)""",
				(row, n) -> new BigDecimal[] { row.getBigDecimal(1), row.getBigDecimal(2) });
		if (totals[0].compareTo(totals[1]) != 0) {
			report.violation(FUNDS, "balances sum to " + totals[0].toPlainString()
					+ " but deposits - captures + refunds are " + totals[1].toPlainString());
		}
		if (quiet) {
			BigDecimal[] frozen = new BigDecimal[] { BigDecimal.ZERO };
			StringBuilder orders = new StringBuilder();
			int[] count = { 0 };
			holds.values().stream().filter((hold) -> "FROZEN".equals(hold.status())).forEach((hold) -> {
				frozen[0] = frozen[0].add(hold.amount());
				if (count[0]++ < 10) {
					orders.append((orders.isEmpty()) ? "" : ", ").append(hold.orderId());
				}
			});
			if (count[0] > 0) {
				report.violation(FUNDS, count[0] + " payment holds still FROZEN (" + frozen[0].toPlainString()
						+ ") once quiet, orders " + orders + ((count[0] > 10) ? ", ..." : ""));
			}
		}
	}

	private void figures(Report report, Map<Long, Hold> holds) {
		this.consumer.query("SELECT COUNT(*), COALESCE(SUM(balance), 0), COALESCE(SUM(frozen), 0) FROM account",
				(row) -> {
					report.figure("accounts", row.getInt(1));
					report.figure("accounts balance", row.getBigDecimal(2).toPlainString());
					report.figure("accounts frozen", row.getBigDecimal(3).toPlainString());
				});
		Map<String, Integer> byStatus = new TreeMap<>();
		holds.values().forEach((hold) -> byStatus.merge(hold.status(), 1, Integer::sum));
		byStatus.forEach((status, count) -> report.figure("payment holds " + status, count));
		each(this.consumer, "SELECT entry_type, COUNT(*), SUM(amount) FROM account_ledger GROUP BY 1 ORDER BY 1",
				(row) -> report.figure("ledger " + row.getString(1),
						row.getInt(2) + " entries, " + row.getBigDecimal(3).toPlainString()));
	}

	private void accountsEqualTheirLedgers(Report report) {
		each(this.consumer, """
				SELECT a.customer_id, a.balance, a.frozen, COALESCE(l.balance, 0), COALESCE(l.frozen, 0)
				FROM account a LEFT JOIN (
				  SELECT customer_id, SUM(balance_change) AS balance, SUM(frozen_change) AS frozen
				  FROM account_ledger GROUP BY customer_id) l ON l.customer_id = a.customer_id
				WHERE a.balance <> COALESCE(l.balance, 0) OR a.frozen <> COALESCE(l.frozen, 0)
				ORDER BY a.customer_id""", (row) -> {
			String account = "account " + row.getString(1);
			if (row.getBigDecimal(2).compareTo(row.getBigDecimal(4)) != 0) {
				report.violation(FUNDS, account + ": balance " + row.getBigDecimal(2).toPlainString()
						+ " but its ledger sums to " + row.getBigDecimal(4).toPlainString());
			}
			if (row.getBigDecimal(3).compareTo(row.getBigDecimal(5)) != 0) {
				report.violation(FUNDS, account + ": frozen " + row.getBigDecimal(3).toPlainString()
						+ " but its ledger sums to " + row.getBigDecimal(5).toPlainString());
			}
		});
		each(this.consumer, """
				SELECT DISTINCT l.customer_id FROM account_ledger l
				LEFT JOIN account a ON a.customer_id = l.customer_id WHERE a.customer_id IS NULL
				ORDER BY 1""", (row) -> report.violation(FUNDS,
				"ledger entries for customer " + row.getString(1) + ", who has no account"));
	}

	private void ledgerEntriesMoveWhatTheirTypeSays(Report report) {
		each(this.consumer, """
				SELECT id, customer_id, entry_type, amount, balance_change, frozen_change, order_id
				FROM account_ledger
				WHERE NOT (entry_type = 'DEPOSIT' AND balance_change = amount AND frozen_change = 0
				        OR entry_type = 'FREEZE' AND balance_change = 0 AND frozen_change = amount
				        OR entry_type = 'CAPTURE' AND balance_change = -amount AND frozen_change = -amount
				        OR entry_type = 'UNFREEZE' AND balance_change = 0 AND frozen_change = -amount
				        OR entry_type = 'REFUND' AND balance_change = amount AND frozen_change = 0)
				   OR entry_type <> 'DEPOSIT' AND order_id IS NULL
				ORDER BY id""",
				(row) -> report.violation(FUNDS,
						"ledger entry " + row.getLong(1) + " (" + row.getString(3) + " of "
								+ row.getBigDecimal(4).toPlainString() + " for " + row.getString(2) + ", order "
								+ row.getObject(7) + ") changes balance by " + row.getBigDecimal(5).toPlainString()
								+ " and frozen by " + row.getBigDecimal(6).toPlainString()));
	}

	private void frozenEqualsFrozenHolds(Report report) {
		each(this.consumer, """
				SELECT a.customer_id, a.frozen, COALESCE(h.frozen, 0)
				FROM account a LEFT JOIN (
				  SELECT customer_id, SUM(amount) AS frozen FROM payment_hold WHERE status = 'FROZEN'
				  GROUP BY customer_id) h ON h.customer_id = a.customer_id
				WHERE a.frozen <> COALESCE(h.frozen, 0)
				ORDER BY a.customer_id""",
				(row) -> report.violation(FUNDS,
						"account " + row.getString(1) + ": frozen " + row.getBigDecimal(2).toPlainString()
								+ " but its FROZEN holds sum to " + row.getBigDecimal(3).toPlainString()));
		each(this.consumer, """
				SELECT h.order_id, h.customer_id, h.currency, a.currency
				FROM payment_hold h LEFT JOIN account a ON a.customer_id = h.customer_id
				WHERE a.customer_id IS NULL OR a.currency <> h.currency
				ORDER BY h.order_id""",
				(row) -> report.violation(FUNDS,
						"payment hold of order " + row.getLong(1) + " in " + row.getString(3) + " is on "
								+ ((row.getString(4) == null) ? "no account (customer " + row.getString(2) + ")"
										: "an account in " + row.getString(4))));
	}

	/** Each hold has the entries its status implies, each of its amount and customer. */
	private static void holdsMatchTheirEntries(Report report, Map<Long, Hold> holds,
			Map<Long, Map<String, Entry>> ledger) {
		holds.values().forEach((hold) -> {
			Map<String, Entry> entries = ledger.getOrDefault(hold.orderId(), Map.of());
			Set<String> expected = ENTRIES_BY_HOLD_STATUS.get(hold.status());
			String name = "payment hold of order " + hold.orderId() + " (" + hold.status() + ", "
					+ hold.amount().toPlainString() + ")";
			if (expected != null && !expected.equals(entries.keySet())) {
				report.violation(FUNDS, name + " has ledger entries " + new TreeMap<>(entries) + ", expected "
						+ new java.util.TreeSet<>(expected));
			}
			entries.forEach((type, entry) -> {
				if (entry.amount().compareTo(hold.amount()) != 0 || !entry.customerId().equals(hold.customerId())) {
					report.violation(FUNDS, name + ": its " + type + " moves " + entry.amount().toPlainString()
							+ " on the account of " + entry.customerId() + ", not of " + hold.customerId());
				}
			});
		});
		ledger.forEach((orderId, entries) -> {
			if (!holds.containsKey(orderId)) {
				report.violation(FUNDS,
						"order " + orderId + " has ledger entries " + new TreeMap<>(entries) + " but no payment hold");
			}
		});
	}

}
