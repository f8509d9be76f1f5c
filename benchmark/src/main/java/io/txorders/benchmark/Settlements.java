package io.txorders.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import com.baomidou.mybatisplus.core.toolkit.Sequence;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Submit-to-CONFIRMED per order. The benchmark tells it when it submitted each order it
 * placed; a poller reads, every {@code poll}, the rows {@code order_history} and
 * {@code checkback_answer} have gained since (by id: a short range read).
 * <p>
 * When an order was CONFIRMED: {@code occurred_at} where it has milliseconds, else the
 * instant the poll first saw the row, at most one poll interval (plus the query) late.
 * producer-service writes {@code occurred_at} itself, and against MariaDB 10.x its driver
 * drops the milliseconds (README, Known limits), so there it is the poll; the same holds
 * for the check-back journal's {@code answered_at}.
 */
final class Settlements implements AutoCloseable {

	/** A check-back as the journal recorded it; {@code answeredAt} in epoch ms. */
	record Checkback(String txId, String answer, String instance, long answeredAt, long durationMs) {
	}

	/** What a run's orders did; latencies in ms. */
	record Summary(long submitted, long confirmed, long cancelled, long unsettled, double p50, double p99, double max,
			long timedByHistory, long timedByPoll, long seenOnlyAtTheEnd, long pollMillis, long pollErrors,
			String lastPollError) {
	}

	/** Confirmations seen in one interval. */
	record Interval(long confirmed, Histogram latency) {
	}

	// A history insert that has not committed after this long was rolled back.
	private static final long GAP_MILLIS = 5000;

	private static final Settlements IGNORING = new Settlements();

	private final String url;

	private final String user;

	private final String password;

	private final long pollMillis;

	private final long startMillis;

	private final Map<Long, Long> submittedAt = new ConcurrentHashMap<>();

	private final Map<Long, Long> confirmedAt = new ConcurrentHashMap<>();

	private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();

	private final Set<Long> matched = ConcurrentHashMap.newKeySet();

	private final Recorder interval = new Recorder(3);

	private final AtomicLong intervalCount = new AtomicLong();

	private final AtomicLong timedByHistory = new AtomicLong();

	private final AtomicLong timedByPoll = new AtomicLong();

	private final List<Checkback> checkbacks = Collections.synchronizedList(new ArrayList<>());

	private final AtomicLong pollErrors = new AtomicLong();

	private volatile String lastPollError;

	private final ScheduledExecutorService poller;

	private final TableTail<HistoryRow> history;

	private final TableTail<JournalRow> journal;

	private Connection connection;

	private long seenOnlyAtTheEnd;

	private record HistoryRow(long orderId, String status, long occurredAt) {
	}

	private record JournalRow(String txId, String answer, String instance, long answeredAt, long durationMs) {
	}

	private Settlements() {
		this.url = null;
		this.user = null;
		this.password = null;
		this.pollMillis = 0;
		this.startMillis = 0;
		this.poller = null;
		this.history = null;
		this.journal = null;
	}

	Settlements(String ordersUrl, String user, String password, Duration poll) throws SQLException {
		this.url = ordersUrl;
		this.user = user;
		this.password = password;
		this.pollMillis = Math.max(1, poll.toMillis());
		this.startMillis = Clock.nowMillis();
		this.history = new TableTail<>("order_history", "id, order_id, to_status, occurred_at",
				row -> new HistoryRow(row.getLong(2), row.getString(3), millis(row.getTimestamp(4))), GAP_MILLIS);
		this.journal = new TableTail<>("checkback_answer", "id, tx_id, answer, instance, answered_at, duration_ms",
				row -> new JournalRow(row.getString(2), row.getString(3), row.getString(4), millis(row.getTimestamp(5)),
						row.getLong(6)),
				GAP_MILLIS);
		this.connection = DriverManager.getConnection(this.url, this.user, this.password);
		this.history.skipExisting(this.connection);
		this.journal.skipExisting(this.connection);
		this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "settlements-poller");
			thread.setDaemon(true);
			return thread;
		});
		this.poller.scheduleWithFixedDelay(this::poll, 0, this.pollMillis, TimeUnit.MILLISECONDS);
	}

	/** For the warm-up: remembers nothing. */
	static Settlements ignoring() {
		return IGNORING;
	}

	void submitted(long orderId, long atMillis) {
		if (this == IGNORING) {
			return;
		}
		this.submittedAt.put(orderId, atMillis);
		if (this.confirmedAt.containsKey(orderId)) {
			match(orderId);
		}
	}

	private void poll() {
		try {
			if (this.connection == null) {
				this.connection = DriverManager.getConnection(this.url, this.user, this.password);
			}
			long seenAt = Clock.nowMillis();
			for (HistoryRow row : this.history.poll(this.connection, seenAt)) {
				seen(row, seenAt);
			}
			for (JournalRow row : this.journal.poll(this.connection, seenAt)) {
				this.checkbacks.add(new Checkback(row.txId(), row.answer(), row.instance(),
						bestOf(seenAt, row.answeredAt()), row.durationMs()));
			}
		}
		catch (SQLException ex) {
			this.pollErrors.incrementAndGet();
			this.lastPollError = ex.getMessage();
			closeConnection();
		}
	}

	private void seen(HistoryRow row, long seenAt) {
		// Orders older than this run are not ours; theirs would only fill the map.
		if (submittedAtMillis(row.orderId()) < this.startMillis - 1000) {
			return;
		}
		if ("CANCELLED".equals(row.status())) {
			this.cancelled.add(row.orderId());
		}
		else if ("CONFIRMED".equals(row.status())) {
			boolean exact = row.occurredAt() % 1000 != 0;
			(exact ? this.timedByHistory : this.timedByPoll).incrementAndGet();
			this.confirmedAt.put(row.orderId(), bestOf(seenAt, row.occurredAt()));
			if (this.submittedAt.containsKey(row.orderId())) {
				match(row.orderId());
			}
		}
	}

	/**
	 * The earliest instant the row can be said to exist: when the poll saw it, or its own
	 * timestamp if that is sooner (to the millisecond, or the end of its second when it
	 * has none).
	 */
	static long bestOf(long seenAt, long written) {
		long latest = (written % 1000 != 0) ? written : written + 999;
		return Math.min(seenAt, latest);
	}

	private void match(long orderId) {
		if (this.matched.add(orderId)) {
			this.interval.recordValue(latency(orderId));
			this.intervalCount.incrementAndGet();
		}
	}

	private long latency(long orderId) {
		return Math.max(0, this.confirmedAt.get(orderId) - this.submittedAt.get(orderId));
	}

	/** Confirmations since the last call: for the per-second series. */
	Interval takeInterval() {
		long count = this.intervalCount.getAndSet(0);
		return new Interval(count, this.interval.getIntervalHistogram());
	}

	/**
	 * Stops polling, after one last poll; then reads once more whatever the polls missed
	 * (a confirmation after a gap was given up), timed by its {@code occurred_at}.
	 */
	@Override
	public void close() throws InterruptedException {
		if (this == IGNORING) {
			return;
		}
		this.poller.shutdown();
		this.poller.awaitTermination(30, TimeUnit.SECONDS);
		poll();
		try {
			readMissed();
		}
		catch (SQLException ex) {
			this.pollErrors.incrementAndGet();
			this.lastPollError = ex.getMessage();
		}
		closeConnection();
	}

	private void readMissed() throws SQLException {
		List<Long> missing = this.submittedAt.keySet()
			.stream()
			.filter(id -> !this.confirmedAt.containsKey(id) && !this.cancelled.contains(id))
			.toList();
		long now = Clock.nowMillis();
		for (int from = 0; from < missing.size(); from += 500) {
			List<Long> chunk = missing.subList(from, Math.min(missing.size(), from + 500));
			String in = String.join(",", Collections.nCopies(chunk.size(), "?"));
			try (PreparedStatement select = this.connection.prepareStatement(
					"SELECT order_id, to_status, occurred_at FROM order_history WHERE to_status IN ('CONFIRMED', 'CANCELLED') AND order_id IN ("
							+ in + ")")) {
				for (int i = 0; i < chunk.size(); i++) {
					select.setLong(i + 1, chunk.get(i));
				}
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						this.seenOnlyAtTheEnd++;
						seen(new HistoryRow(rows.getLong(1), rows.getString(2), millis(rows.getTimestamp(3))), now);
					}
				}
			}
		}
	}

	private void closeConnection() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				this.lastPollError = ex.getMessage();
			}
			this.connection = null;
		}
	}

	/** After {@link #close()}: the run's orders. */
	Summary summary() {
		Histogram all = latencies(id -> true);
		long confirmed = all.getTotalCount();
		long unsettled = this.submittedAt.keySet()
			.stream()
			.filter(id -> !this.confirmedAt.containsKey(id) && !this.cancelled.contains(id))
			.count();
		return new Summary(this.submittedAt.size(), confirmed,
				this.cancelled.stream().filter(this.submittedAt::containsKey).count(), unsettled, percentile(all, 50),
				percentile(all, 99), (confirmed > 0) ? all.getMaxValue() : Double.NaN, this.timedByHistory.get(),
				this.timedByPoll.get(), this.seenOnlyAtTheEnd, this.pollMillis, this.pollErrors.get(),
				this.lastPollError);
	}

	/** Submit-to-CONFIRMED of the run's orders that {@code which} accepts, in ms. */
	Histogram latencies(LongPredicate which) {
		Histogram histogram = new Histogram(3);
		this.submittedAt.keySet()
			.stream()
			.filter(id -> this.confirmedAt.containsKey(id) && which.test(id))
			.forEach(id -> histogram.recordValue(latency(id)));
		return histogram;
	}

	static double percentile(Histogram histogram, double percentile) {
		return (histogram.getTotalCount() > 0) ? histogram.getValueAtPercentile(percentile) : Double.NaN;
	}

	/** The run's orders, by id. */
	Set<Long> orders() {
		return this.submittedAt.keySet();
	}

	Long submittedAt(long orderId) {
		return this.submittedAt.get(orderId);
	}

	Long confirmedAt(long orderId) {
		return this.confirmedAt.get(orderId);
	}

	/** Every check-back journalled while this ran. */
	List<Checkback> checkbacks() {
		synchronized (this.checkbacks) {
			return List.copyOf(this.checkbacks);
		}
	}

	/**
	 * producer-service's ids are MyBatis-Plus snowflake ids and carry their millisecond.
	 */
	static long submittedAtMillis(long orderId) {
		return Sequence.parseIdTimestamp(orderId);
	}

	private static long millis(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.getTime() : 0;
	}

}
