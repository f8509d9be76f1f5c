package io.txorders.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * The check-back path of one run: which of its orders the broker had to check back (the
 * journal, {@code checkback_answer}), what was answered and by which process, and how
 * long each took to resolve, from submission to the first COMMIT answer, against the
 * bound {@link BrokerTimings#resolveWithinMillis()}, and submit-to-CONFIRMED of those
 * orders and of the others. With producer-service started with
 * {@code TXORDERS_BENCHMARK_UNKNOWN_PERCENT} these are the orders it answered UNKNOWN;
 * without it, normally none.
 */
record Resolutions(long unknownAnswered, long checkedBack, long resolved, Map<String, Long> answers,
		Map<String, Long> answeredBy, double resolveP50, double resolveP99, double resolveMax, double confirmP50,
		double confirmP99, double confirmMax, double othersConfirmP50, double othersConfirmP99, long withinBound,
		long boundMillis, boolean everyUnknownResolvedInTime) {

	/**
	 * @param unknownAnswered UNKNOWN answers producer-service counted during the run (-1
	 * when its metrics could not be read)
	 */
	static Resolutions of(Settlements run, Settlements.Summary summary, long unknownAnswered, BrokerTimings timings,
			String ordersUrl, String user, String password) throws SQLException {
		List<Settlements.Checkback> checkbacks = run.checkbacks();
		Map<String, Long> orderOfTx = ordersOf(checkbacks.stream().map(Settlements.Checkback::txId).distinct().toList(),
				run.orders(), ordersUrl, user, password);
		Map<String, Long> answers = new TreeMap<>();
		Map<String, Long> answeredBy = new TreeMap<>();
		Map<Long, Long> firstCommit = new HashMap<>();
		for (Settlements.Checkback checkback : checkbacks) {
			Long order = orderOfTx.get(checkback.txId());
			if (order == null) {
				continue;
			}
			answers.merge(checkback.answer(), 1L, Long::sum);
			answeredBy.merge(checkback.instance(), 1L, Long::sum);
			if ("COMMIT".equals(checkback.answer())) {
				firstCommit.merge(order, checkback.answeredAt(), Math::min);
			}
		}
		Histogram resolve = new Histogram(3);
		long within = 0;
		for (Map.Entry<Long, Long> entry : firstCommit.entrySet()) {
			long millis = Math.max(0, entry.getValue() - run.submittedAt(entry.getKey()));
			resolve.recordValue(millis);
			if (millis <= timings.resolveWithinMillis()) {
				within++;
			}
		}
		Set<Long> checked = Set.copyOf(orderOfTx.values());
		Histogram confirm = run.latencies(checked::contains);
		Histogram others = run.latencies(order -> !checked.contains(order));
		// Every order ended CONFIRMED, at least as many COMMIT answers as UNKNOWNs were
		// given, each in time.
		boolean allInTime = unknownAnswered >= 0 && summary.unsettled() == 0 && firstCommit.size() >= unknownAnswered
				&& within == firstCommit.size();
		return new Resolutions(unknownAnswered, checked.size(), firstCommit.size(), answers, answeredBy,
				Settlements.percentile(resolve, 50), Settlements.percentile(resolve, 99), max(resolve),
				Settlements.percentile(confirm, 50), Settlements.percentile(confirm, 99), max(confirm),
				Settlements.percentile(others, 50), Settlements.percentile(others, 99), within,
				timings.resolveWithinMillis(), allInTime);
	}

	/** Whether there is anything to show: UNKNOWN answers or check-backs. */
	boolean any() {
		return this.unknownAnswered > 0 || this.checkedBack > 0;
	}

	private static double max(Histogram histogram) {
		return (histogram.getTotalCount() > 0) ? histogram.getMaxValue() : Double.NaN;
	}

	/** The run's orders of these transactions, by transaction id. */
	private static Map<String, Long> ordersOf(List<String> txIds, Set<Long> runOrders, String ordersUrl, String user,
			String password) throws SQLException {
		Map<String, Long> orders = new HashMap<>();
		if (txIds.isEmpty()) {
			return orders;
		}
		try (Connection connection = DriverManager.getConnection(ordersUrl, user, password)) {
			for (int from = 0; from < txIds.size(); from += 500) {
				List<String> chunk = new ArrayList<>(txIds.subList(from, Math.min(txIds.size(), from + 500)));
				try (PreparedStatement select = connection
					.prepareStatement("SELECT id, tx_id FROM orders WHERE tx_id IN ("
							+ String.join(",", Collections.nCopies(chunk.size(), "?")) + ")")) {
					for (int i = 0; i < chunk.size(); i++) {
						select.setString(i + 1, chunk.get(i));
					}
					try (ResultSet rows = select.executeQuery()) {
						while (rows.next()) {
							if (runOrders.contains(rows.getLong(1))) {
								orders.put(rows.getString(2), rows.getLong(1));
							}
						}
					}
				}
			}
		}
		return orders;
	}

}
