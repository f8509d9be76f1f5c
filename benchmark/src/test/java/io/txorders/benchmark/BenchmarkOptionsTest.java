package io.txorders.benchmark;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.txorders.testsupport.CommandRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's command line as its README uses it. Nothing here runs the benchmark:
 * valid command lines are parsed, only help and invalid input run.
 */
class BenchmarkOptionsTest {

	static final List<String> OPTIONS = List.of("--seconds", "--warm-up-seconds", "--clients", "--open-loop-rates",
			"--target", "--ready-file", "--sql-dir", "--out", "--chart", "--settle-poll-ms", "--groups", "--pids",
			"--baselines", "--unknown-run", "--transaction-timeout-ms", "--transaction-check-interval-ms", "--help");

	@Test
	void helpNamesEveryOptionWithItsDefaultAndRunsNothing() {
		CommandRun help = execute("--help");
		assertThat(help.code()).isZero();
		assertThat(help.err()).isEmpty();
		assertThat(help.out()).contains(OPTIONS)
			.contains("Default: 20", "Default: 8,16,32", "Default: http://127.0.0.1:8080",
					"Default: .local-stack/infra.ready", "Default: target/benchmark/results.json",
					"Default: true (false with --unknown-run)", "Default: read from the broker");
	}

	@Test
	void anUnknownOptionIsAnErrorThatNamesIt() {
		CommandRun run = execute("--no-such-option");
		assertThat(run.code()).isEqualTo(2);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).contains("benchmark: Unknown option: '--no-such-option'")
			.contains("Try 'java -jar benchmark.jar --help' for more information.");
		assertThat(execute("--secnods=5").err()).contains("--secnods").contains("--seconds");
		assertThat(execute("seconds").err()).contains("'seconds'");
	}

	@Test
	void malformedValuesAreErrorsThatNameTheOption() {
		CommandRun flag = execute("--baselines=no");
		assertThat(flag.code()).isEqualTo(2);
		assertThat(flag.err()).contains("--baselines").contains("'no'");
		assertThat(execute("--clients=8,many").err()).contains("--clients").contains("'many'");
	}

	@Test
	void withoutOptionsItMeasuresWithTheDocumentedDefaults() {
		Benchmark benchmark = parse();
		assertThat(benchmark.seconds).isEqualTo(20);
		assertThat(benchmark.warmUpSeconds).isEqualTo(15);
		assertThat(benchmark.clients).containsExactly(8, 16, 32);
		assertThat(benchmark.openLoopRates).isEmpty();
		assertThat(benchmark.target).isEqualTo(URI.create("http://127.0.0.1:8080"));
		assertThat(benchmark.readyFile).isEqualTo(Path.of(".local-stack/infra.ready"));
		assertThat(benchmark.sqlDir).isEqualTo(Path.of("sql"));
		assertThat(benchmark.out()).isEqualTo(Path.of("target/benchmark/results.json"));
		assertThat(benchmark.chart()).isEqualTo(Path.of("target/benchmark/report.html"));
		assertThat(benchmark.settlePollMs).isEqualTo(10);
		assertThat(benchmark.groups).containsExactly("inventory", "payment", "points", "order-replies");
		assertThat(benchmark.pids).isEmpty();
		assertThat(benchmark.baselines()).isTrue();
		assertThat(benchmark.unknownRun).isFalse();
		assertThat(benchmark.brokerTimings()).isEmpty();
	}

	@Test
	void theReadmesCommandLinesParse() {
		Benchmark rates = parse("--open-loop-rates=100,150,200", "--seconds=30", "--clients=4", "--baselines=false");
		assertThat(rates.openLoopRates).containsExactly(100, 150, 200);
		assertThat(rates.seconds).isEqualTo(30);
		assertThat(rates.clients).containsExactly(4);
		assertThat(rates.baselines()).isFalse();

		Benchmark unknown = parse("--unknown-run", "--clients=8", "--open-loop-rates=60",
				"--transaction-timeout-ms=5000", "--transaction-check-interval-ms=5000");
		assertThat(unknown.unknownRun).isTrue();
		assertThat(unknown.baselines()).isFalse();
		assertThat(unknown.out()).isEqualTo(Path.of("target/benchmark/results-unknown.json"));
		assertThat(unknown.chart()).isEqualTo(Path.of("target/benchmark/report-unknown.html"));
		assertThat(unknown.brokerTimings())
			.isEqualTo(Map.of("transaction-timeout-ms", "5000", "transaction-check-interval-ms", "5000"));
		assertThat(parse("--unknown-run", "--baselines").baselines()).isTrue();

		Benchmark files = parse("--out=/tmp/b/run1.json", "--pids=12,34", "--groups=inventory");
		assertThat(files.chart()).isEqualTo(Path.of("/tmp/b/run1.html"));
		assertThat(files.pids).containsExactly(12L, 34L);
		assertThat(files.groups).containsExactly("inventory");
	}

	private static Benchmark parse(String... args) {
		return CommandRun.parse(Benchmark.commandLine(), args);
	}

	private static CommandRun execute(String... args) {
		return CommandRun.execute(Benchmark.commandLine(), args);
	}

}
