package io.txorders.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Earlier results side by side ({@code --compare}): for each service run found in any of
 * them, its orders a second, HTTP and submit-to-CONFIRMED latency and CPU per order, one
 * column per results file, headed by the transport its stack used.
 */
final class Comparison {

	private Comparison() {
	}

	static List<String> of(List<Path> files) {
		JsonMapper json = JsonMapper.builder().build();
		List<String> heads = new ArrayList<>();
		List<Map<String, String>> cells = new ArrayList<>();
		Set<String> runs = new LinkedHashSet<>();
		for (Path file : files) {
			JsonNode report = json.readTree(file.toFile());
			String finished = report.path("finishedAt").asString("");
			heads.add(report.path("transport").asString("remoting") + " (" + file.getFileName() + ", "
					+ finished.substring(0, Math.min(19, finished.length())) + ")");
			Map<String, Double> cpu = new HashMap<>();
			for (JsonNode perOrder : report.path("cpuPerOrder")) {
				cpu.put(perOrder.path("run").asString(), perOrder.path("totalMillis").asDouble());
			}
			Map<String, String> column = new HashMap<>();
			for (JsonNode run : report.path("serviceRuns")) {
				JsonNode http = run.path("http");
				String title = http.path("name").asString() + ", " + http.path("load").asString();
				// The 70% open loop offers each stack its own rate: one row for both.
				String row = title.contains("70% of max") ? http.path("name").asString() : title;
				runs.add(row);
				JsonNode confirm = run.path("confirm");
				column.put(row, String.format(Locale.ROOT,
						"%s: %.0f/s, HTTP p50/p99 %.1f/%.1f ms, CONFIRMED p50/p99 %.0f/%.0f ms, CPU %s ms/order, "
								+ "drained %.1f s",
						http.path("load").asString(), http.path("perSecond").asDouble(), http.path("p50").asDouble(),
						http.path("p99").asDouble(), confirm.path("p50").asDouble(), confirm.path("p99").asDouble(),
						cpu.containsKey(title) ? String.format(Locale.ROOT, "%.2f", cpu.get(title)) : "?",
						run.path("drainSeconds").asDouble()));
			}
			cells.add(column);
		}
		List<String> lines = new ArrayList<>();
		for (String run : runs) {
			lines.add(run);
			for (int i = 0; i < heads.size(); i++) {
				lines.add("  " + heads.get(i) + ": " + cells.get(i).getOrDefault(run, "not run"));
			}
		}
		return lines;
	}

}
