package io.txorders.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static io.txorders.deploy.ComposeDriftTest.list;
import static io.txorders.deploy.ComposeDriftTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules are tested, not only parsed: {@code promtool} (Debian's
 * {@code prometheus} package; {@code PROMTOOL} names it if it is not on the PATH) checks
 * alerts.yml and runs alerts.test.yml, where each alert fires on sample series that
 * should raise it and stays quiet on series just short of it. Where no promtool is found
 * those two are skipped, saying so; that every alert has both cases is checked
 * everywhere.
 */
class AlertRulesTest {

	private static final String ALERTS = "deploy/compose/prometheus/alerts.yml";

	private static final String ALERT_TESTS = "deploy/compose/prometheus/alerts.test.yml";

	@Test
	void promtoolAcceptsTheRules() throws Exception {
		Path promtool = promtool();
		assertThat(run(promtool, "check", "rules", ALERTS)).contains("SUCCESS");
	}

	@Test
	void everyAlertFiresAndStaysQuietWhereItsTestsSay() throws Exception {
		Path promtool = promtool();
		assertThat(run(promtool, "test", "rules", ALERT_TESTS)).contains("SUCCESS");
	}

	@Test
	void everyAlertHasACaseThatFiresItAndOneThatDoesNot() {
		List<String> alerts = list(map(list(Repo.yamlFile(ALERTS).get("groups")).get(0)).get("rules")).stream()
			.map((rule) -> String.valueOf(map(rule).get("alert")))
			.toList();
		List<String> fires = new ArrayList<>();
		List<String> quiet = new ArrayList<>();
		for (Object test : list(Repo.yamlFile(ALERT_TESTS).get("tests"))) {
			for (Object alertCase : list(Optional.ofNullable(map(test).get("alert_rule_test")).orElse(List.of()))) {
				Map<String, Object> expected = map(alertCase);
				String name = String.valueOf(expected.get("alertname"));
				Object alertsExpected = expected.get("exp_alerts");
				if (alertsExpected == null || list(alertsExpected).isEmpty()) {
					quiet.add(name);
				}
				else {
					fires.add(name);
				}
			}
		}
		assertThat(fires).as("alerts with a case that fires them").containsAll(alerts);
		assertThat(quiet).as("alerts with a case that keeps them quiet").containsAll(alerts);
	}

	/** promtool from PROMTOOL or the PATH; the test is skipped without one. */
	private static Path promtool() {
		String named = System.getenv("PROMTOOL");
		Optional<Path> found = (named != null && !named.isBlank()) ? Optional.of(Path.of(named))
				: Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
					.map((dir) -> Path.of(dir, "promtool"))
					.filter(Files::isExecutable)
					.findFirst();
		assumeTrue(found.isPresent() && Files.isExecutable(found.get()),
				"promtool not found (apt-get install prometheus, or PROMTOOL=path): alerts.yml's unit tests not run");
		return found.get();
	}

	private static String run(Path promtool, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(promtool.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(Repo.ROOT.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
		assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
		return output;
	}

}
