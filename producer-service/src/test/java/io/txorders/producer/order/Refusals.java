package io.txorders.producer.order;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refused request must look like (an RFC 9457 problem whose status is the HTTP
 * status) and what it must leave behind (nothing: the same rows in every table of the
 * orders database and no local transaction started, so no half message sent). Shared by
 * the hand-written and the generated hostile-input tests.
 */
final class Refusals {

	private Refusals() {
	}

	/** Asserts the response is a problem body; returns it. */
	static JsonNode assertProblem(JsonMapper json, int status, String contentType, String body) {
		String seen = status + " " + contentType + " " + abbreviate(body);
		assertThat(contentType).as(seen).startsWith("application/problem+json");
		JsonNode problem = json.readTree(body);
		assertThat(problem.path("status").asInt()).as(seen).isEqualTo(status);
		assertThat(problem.path("title").asString("")).as(seen).isNotBlank();
		assertThat(problem.path("detail").asString("")).as(seen).isNotBlank();
		return problem;
	}

	/** The fields a problem names in its {@code errors}. */
	static List<String> errorFields(JsonNode problem) {
		return problem.path("errors").valueStream().map(error -> error.path("field").asString("")).toList();
	}

	static String abbreviate(String text) {
		return (text == null || text.length() <= 300) ? text : text.substring(0, 300) + "...";
	}

	/**
	 * Rows in every table of the orders database, and local transactions started.
	 * (ROLLED_BACK transaction records are left out: a late check-back of an earlier test
	 * may write one.)
	 */
	record Footprint(Map<String, Integer> rows, int localTransactionsStarted) {

		static Footprint of(JdbcTemplate jdbc, ScriptedProbe probe) {
			List<String> counts = jdbc
				.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
						String.class)
				.stream()
				.map(table -> "SELECT '" + table + "', COUNT(*) FROM " + table
						+ ("transaction_record".equalsIgnoreCase(table) ? " WHERE state = 'COMMITTED'" : ""))
				.toList();
			Map<String, Integer> rows = new TreeMap<>();
			// One round trip: the generated tests take this after every request.
			jdbc.query(String.join(" UNION ALL ", counts), row -> {
				rows.put(row.getString(1), row.getInt(2));
			});
			return new Footprint(rows, probe.started());
		}

	}

}
