package io.txorders.invariants;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checker found: figures (for the reader) and violations (each one a broken
 * promise). A report with no violations means nothing lost, nothing applied twice,
 * nothing orphaned, nothing left unresolved.
 */
public final class Report {

	/** How many violations of one kind are described one by one; the rest are counted. */
	private static final int EXAMPLES_PER_KIND = 10;

	private final Map<String, Object> figures = new LinkedHashMap<>();

	private final Map<String, List<String>> violations = new LinkedHashMap<>();

	void figure(String name, Object value) {
		this.figures.put(name, value);
	}

	/**
	 * @param kind the invariant broken, e.g. {@code lost}, {@code duplicated}
	 * @param description what, naming the order, SKU or group
	 */
	void violation(String kind, String description) {
		this.violations.computeIfAbsent(kind, (k) -> new ArrayList<>()).add(description);
	}

	/** Registers a kind with no violations, so the report shows "0". */
	void checked(String kind) {
		this.violations.computeIfAbsent(kind, (k) -> new ArrayList<>());
	}

	public boolean ok() {
		return this.violations.values().stream().allMatch(List::isEmpty);
	}

	public Map<String, Object> figures() {
		return Collections.unmodifiableMap(this.figures);
	}

	/** Violations by kind; a checked kind with none maps to an empty list. */
	public Map<String, List<String>> violations() {
		return Collections.unmodifiableMap(this.violations);
	}

	/** The number of violations of one kind (0 if none or not checked). */
	public int count(String kind) {
		return this.violations.getOrDefault(kind, List.of()).size();
	}

	public void print(PrintStream out) {
		out.println("== figures");
		this.figures.forEach((name, value) -> out.printf("  %-40s %s%n", name, value));
		out.println("== invariants");
		this.violations.forEach((kind, found) -> {
			out.printf("  %-40s %d%n", kind, found.size());
			found.stream().limit(EXAMPLES_PER_KIND).forEach((description) -> out.println("      " + description));
			if (found.size() > EXAMPLES_PER_KIND) {
				out.println("      ... and " + (found.size() - EXAMPLES_PER_KIND) + " more");
			}
		});
		out.println(ok() ? "RESULT: OK, no violations" : "RESULT: VIOLATIONS FOUND");
	}

	@Override
	public String toString() {
		var buffer = new java.io.ByteArrayOutputStream();
		print(new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
		return buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
	}

}
