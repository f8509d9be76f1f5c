package io.txorders.system.faults;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Database faults, aimed at the harness's own databases only (the server may be shared):
 * every connection to them killed again and again for a while, as a failover or a network
 * cut does; and a table lock held during local transactions, as a long migration or a
 * runaway report does.
 */
final class DatabaseFaults {

	private final DataSource server;

	private final List<String> databases;

	DatabaseFaults(DataSource server, List<String> databases) {
		this.server = server;
		this.databases = List.copyOf(databases);
	}

	/**
	 * Kills every connection to the harness's databases every 100 ms for the duration.
	 * @return the number of connections killed
	 */
	int killConnectionsFor(Duration duration) {
		JdbcTemplate jdbc = new JdbcTemplate(this.server);
		String in = String.join(",", this.databases.stream().map((db) -> "'" + db + "'").toList());
		long end = System.nanoTime() + duration.toNanos();
		int killed = 0;
		while (System.nanoTime() < end) {
			for (Long id : jdbc.queryForList(
					"SELECT id FROM information_schema.processlist WHERE db IN (" + in + ") AND id <> CONNECTION_ID()",
					Long.class)) {
				try {
					jdbc.execute("KILL CONNECTION " + id);
					killed++;
				}
				catch (RuntimeException ex) {
					// Gone already: it closed between the list and the kill.
				}
			}
			LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
		}
		return killed;
	}

	/**
	 * Holds {@code LOCK TABLES table WRITE} in the given database for the duration: local
	 * transactions that reach the table wait, and check-backs wait on their barrier rows.
	 */
	void holdTableLock(String database, String table, Duration duration) throws SQLException {
		try (Connection connection = this.server.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("USE `" + database + "`");
			statement.execute("LOCK TABLES `" + table + "` WRITE");
			try {
				LockSupport.parkNanos(duration.toNanos());
			}
			finally {
				statement.execute("UNLOCK TABLES");
			}
		}
	}

}
