package io.txorders.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows a table gains, read by its auto-increment id, each once. Ids are handed out at
 * insert and committed in any order, so a poll may see id 101 before id 100 commits: the
 * reader keeps reading from the lowest id it has not seen, and gives a missing id up (a
 * rolled-back insert) only after {@code gapMillis}. Each poll reads the rows from that id
 * on, usually a handful.
 */
final class TableTail<T> {

	/** Maps the current row; column 1 is the id. */
	interface RowMapper<T> {

		T map(ResultSet row) throws SQLException;

	}

	private static final int LIMIT = 5000;

	private final String table;

	private final String select;

	private final RowMapper<T> mapper;

	private final long gapMillis;

	private long floor = -1;

	private final Set<Long> seenAbove = new HashSet<>();

	private final Map<Long, Long> missingSince = new HashMap<>();

	private long maxSeen;

	/**
	 * @param table the table, with an auto-increment {@code id}
	 * @param columns the columns to read, {@code id} first
	 */
	TableTail(String table, String columns, RowMapper<T> mapper, long gapMillis) {
		this.table = table;
		this.select = "SELECT " + columns + " FROM " + table + " WHERE id > ? ORDER BY id LIMIT " + LIMIT;
		this.mapper = mapper;
		this.gapMillis = gapMillis;
	}

	/** Start after every row the table has now. */
	void skipExisting(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + this.table)) {
			rows.next();
			this.floor = rows.getLong(1);
			this.maxSeen = this.floor;
		}
	}

	/** The rows committed since the last poll. */
	List<T> poll(Connection connection, long nowMillis) throws SQLException {
		Map<Long, T> read = new LinkedHashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(this.select)) {
			statement.setLong(1, this.floor);
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					long id = rows.getLong(1);
					if (!this.seenAbove.contains(id)) {
						read.put(id, this.mapper.map(rows));
					}
				}
			}
		}
		return accept(new ArrayList<>(read.keySet()), nowMillis).stream().map(read::get).toList();
	}

	/**
	 * Of the ids a poll read (all above the floor), those not seen before; then moves the
	 * floor past every id seen or given up.
	 */
	List<Long> accept(List<Long> ids, long nowMillis) {
		List<Long> fresh = new ArrayList<>();
		for (long id : ids) {
			if (id > this.floor && this.seenAbove.add(id)) {
				this.missingSince.remove(id);
				this.maxSeen = Math.max(this.maxSeen, id);
				fresh.add(id);
			}
		}
		for (long id = this.floor + 1; id < this.maxSeen; id++) {
			if (!this.seenAbove.contains(id)) {
				this.missingSince.putIfAbsent(id, nowMillis);
			}
		}
		while (this.floor < this.maxSeen) {
			long next = this.floor + 1;
			if (this.seenAbove.remove(next)) {
				this.floor = next;
			}
			else if (nowMillis - this.missingSince.getOrDefault(next, nowMillis) >= this.gapMillis) {
				this.missingSince.remove(next);
				this.floor = next;
			}
			else {
				break;
			}
		}
		return fresh;
	}

	/**
	 * Every id up to this one has been seen or given up; the next poll reads above it.
	 */
	long floor() {
		return this.floor;
	}

	/** Start after this id (for tests; {@link #skipExisting} in use). */
	void startAfter(long id) {
		this.floor = id;
		this.maxSeen = id;
	}

}
