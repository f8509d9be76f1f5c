package io.txorders.invariants;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InvariantCheckerTest {

	@Test
	void anUnknownOptionIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> InvariantChecker.parse(new String[] { "--orders=x" }))
			.withMessageContaining("--orders");
	}

	@Test
	void aMissingDatabaseIsNamed() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InvariantChecker.run(InvariantChecker.parse(new String[] { "--namesrv=127.0.0.1:1" }),
					System.out))
			.withMessageContaining("--orders-db-url");
	}

	@Test
	void theStockBaselineIsSkuEqualsUnits() {
		assertThat(InvariantChecker.parseBaseline("BOOK-001=100, MUG-001=500"))
			.containsExactly(Map.entry("BOOK-001", 100), Map.entry("MUG-001", 500));
		assertThatIllegalArgumentException().isThrownBy(() -> InvariantChecker.parseBaseline("BOOK-001:100"))
			.withMessageContaining("BOOK-001:100");
	}

	@Test
	void aReportWithOnlyCheckedKindsIsOkAndOneViolationIsNot() {
		Report report = new Report();
		report.checked("lost");
		assertThat(report.ok()).isTrue();
		assertThat(printed(report)).contains("RESULT: OK");

		report.violation("lost", "order 1 never reached CONFIRMED or CANCELLED");
		assertThat(report.ok()).isFalse();
		assertThat(report.count("lost")).isOne();
		assertThat(printed(report)).contains("order 1 never reached").contains("RESULT: VIOLATIONS FOUND");
	}

	@Test
	void manyViolationsOfOneKindAreCountedNotAllListed() {
		Report report = new Report();
		for (int i = 0; i < 25; i++) {
			report.violation("orphans", "effects for order " + i);
		}
		assertThat(printed(report)).contains("... and 15 more").doesNotContain("effects for order 24");
	}

	private static String printed(Report report) {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		report.print(new PrintStream(buffer, true, StandardCharsets.UTF_8));
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
