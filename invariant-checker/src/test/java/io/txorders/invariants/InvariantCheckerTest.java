package io.txorders.invariants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.txorders.testsupport.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InvariantCheckerTest {

	static final List<String> OPTIONS = List.of("--ready-file", "--orders-db-url", "--consumer-db-url", "--db-user",
			"--db-password", "--namesrv", "--groups", "--stock-baseline", "--funds-baseline", "--quiet-timeout",
			"--help");

	@Test
	void helpNamesEveryOptionWithItsDefault() {
		CommandRun help = execute("--help");
		assertThat(help.code()).isZero();
		assertThat(help.out()).contains(OPTIONS)
			.contains("Default: inventory,payment,points,order-replies", "Default: 120s", "env DB_PASSWORD")
			.contains("1   violations found");
	}

	@Test
	void anUnknownOptionIsAnErrorThatNamesIt() {
		CommandRun run = execute("--no-such-option");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).contains("invariant-checker: Unknown option: '--no-such-option'")
			.contains("Try 'java -jar invariant-checker-exec.jar --help'");
		assertThat(execute("--orders=x").err()).contains("--orders=x");
		assertThat(execute("stray").err()).contains("'stray'");
	}

	@Test
	void aMissingDatabaseIsNamed() {
		CommandRun run = execute("--namesrv=127.0.0.1:1");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.err()).contains("--orders-db-url is required (or --ready-file)");
	}

	@Test
	void aMalformedTimeoutIsNamed() {
		CommandRun run = execute("--orders-db-url=jdbc:mysql://h/o", "--consumer-db-url=jdbc:mysql://h/c",
				"--namesrv=h:1", "--quiet-timeout=soon");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.err()).contains("--quiet-timeout must look like 120s or 5m, got 'soon'");
	}

	@Test
	void aTypicalCommandLineParsesToItsOptions() {
		InvariantChecker checker = parse("--orders-db-url=jdbc:mysql://db:3306/orders",
				"--consumer-db-url=jdbc:mysql://db:3306/consumer", "--db-user=checker", "--namesrv=namesrv:9876",
				"--stock-baseline=BOOK-001=100", "--funds-baseline=-12.50", "--quiet-timeout=30s", "--db-password");
		assertThat(checker.options()).containsExactly(Map.entry("orders-db-url", "jdbc:mysql://db:3306/orders"),
				Map.entry("consumer-db-url", "jdbc:mysql://db:3306/consumer"), Map.entry("db-user", "checker"),
				Map.entry("db-password", ""), Map.entry("namesrv", "namesrv:9876"),
				Map.entry("groups", "inventory,payment,points,order-replies"),
				Map.entry("stock-baseline", "BOOK-001=100"), Map.entry("funds-baseline", "-12.50"),
				Map.entry("quiet-timeout", "30s"));
		assertThat(InvariantChecker.parseTimeout(checker.quietTimeout)).isEqualTo(Duration.ofSeconds(30));
		assertThat(InvariantChecker.parseTimeout("5m")).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void optionsGivenWinOverTheReadyFile(@TempDir Path dir) throws IOException {
		Path ready = dir.resolve("infra.ready");
		Files.writeString(ready, "ordersJdbcUrl=jdbc:mysql://r/orders\nconsumerJdbcUrl=jdbc:mysql://r/consumer\n"
				+ "dbUser=root\ndbPassword=secret\nnamesrv=r:9876\n");
		InvariantChecker checker = parse("--ready-file=" + ready, "--db-user=checker", "--namesrv=other:9876");
		assertThat(InvariantChecker.withReadyFile(checker.options()))
			.containsEntry("orders-db-url", "jdbc:mysql://r/orders")
			.containsEntry("consumer-db-url", "jdbc:mysql://r/consumer")
			.containsEntry("db-user", "checker")
			.containsEntry("db-password", "secret")
			.containsEntry("namesrv", "other:9876");
	}

	@Test
	void theStockBaselineIsSkuEqualsUnits() {
		assertThat(InvariantChecker.parseBaseline("BOOK-001=100, MUG-001=500"))
			.containsExactly(Map.entry("BOOK-001", 100), Map.entry("MUG-001", 500));
		assertThatIllegalArgumentException().isThrownBy(() -> InvariantChecker.parseBaseline("BOOK-001:100"))
			.withMessageContaining("BOOK-001:100");
	}

	@Test
	void theFundsBaselineIsAnAmount() {
		assertThat(InvariantChecker.parseFundsBaseline(" -12.50 ")).isEqualByComparingTo("-12.5");
		assertThat(InvariantChecker.parseFundsBaseline(null)).isNull();
		CommandRun run = execute("--orders-db-url=jdbc:mysql://h/o", "--consumer-db-url=jdbc:mysql://h/c",
				"--namesrv=h:1", "--funds-baseline=lots");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.err()).contains("--funds-baseline: 'lots' is not an amount");
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

	private static InvariantChecker parse(String... args) {
		return CommandRun.parse(InvariantChecker.commandLine(), args);
	}

	private static CommandRun execute(String... args) {
		return CommandRun.execute(InvariantChecker.commandLine(), args);
	}

	private static String printed(Report report) {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		report.print(new PrintStream(buffer, true, StandardCharsets.UTF_8));
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
