package io.txorders.deploy;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/local against the apps: the settings its {@code up} hands every app (a demo's
 * shorter timeouts) are ones an app reads, with values the apps accept.
 */
class LocalStackDriftTest {

	@Test
	void everySettingTheLocalStackGivesIsReadByAnAppWithAValueItAccepts() {
		Map<String, String> local = Repo.localStackEnvironment();
		assertThat(local).containsKeys("ORDER_CONFIRM_TIMEOUT", "OUTBOX_RELAY_LEASE", "OUTBOX_BREAKER_OPEN_FOR",
				"WEBHOOK_ALLOWED_NETWORKS", "WEBHOOK_RETRY_SCHEDULE");
		assertThat(local.keySet())
			.allSatisfy(name -> assertThat(Repo.allEnvironment()).as("an app reads " + name + " (deploy/local sets it)")
				.containsKey(name));
		assertThat(DriftChecks.outboxSettings("deploy/local", local)).isEmpty();
		assertThat(DriftChecks.webhookSettings("deploy/local", local, Repo.environment("producer-service"))).isEmpty();
	}

	@Test
	void aWebhookReceiverOnThisMachineMayBeRegisteredAndAFailingOneIsGivenUpWithinMinutes() {
		Map<String, String> local = Repo.localStackEnvironment();
		assertThat(local.get("WEBHOOK_ALLOWED_NETWORKS").split(",")).contains("127.0.0.0/8", "::1/128");
		Duration production = total(Repo.environment("producer-service").get("WEBHOOK_RETRY_SCHEDULE"));
		Duration demo = total(local.get("WEBHOOK_RETRY_SCHEDULE"));
		assertThat(demo).isLessThan(Duration.ofMinutes(5)).isLessThan(production);
	}

	private static Duration total(String schedule) {
		assertThat(schedule).as("a retry schedule").isNotNull();
		return DriftChecks.schedule(schedule).stream().reduce(Duration.ZERO, Duration::plus);
	}

	@Test
	void aRelayKilledOnTheLocalStackFreesItsRowsSoonerThanInProduction() {
		Map<String, String> local = Repo.localStackEnvironment();
		Duration production = DriftChecks.duration(Repo.environment("producer-service").get("OUTBOX_RELAY_LEASE"));
		Duration demo = DriftChecks.duration(local.get("OUTBOX_RELAY_LEASE"));
		assertThat(demo).isLessThan(production);
		// Longer than one relay publish may take: the broker's request timeout.
		String requestTimeout = Repo.environment("producer-service").get("ROCKETMQ_REQUEST_TIMEOUT");
		assertThat(requestTimeout).as("producer-service's ROCKETMQ_REQUEST_TIMEOUT").isNotNull();
		assertThat(demo).isGreaterThan(DriftChecks.duration(requestTimeout));
	}

	// The checks report drift.

	@Test
	void aModeTheKitDoesNotKnowOrAValueThatIsNoDurationIsReported() {
		Map<String, String> set = new TreeMap<>(Repo.localStackEnvironment());
		set.put("OUTBOX_MODE", "FALLBAK");
		set.put("OUTBOX_RELAY_LEASE", "10 seconds");
		set.put("OUTBOX_RELAY_THREADS", "two");
		assertThat(DriftChecks.outboxSettings("deploy/local", set)).hasSize(3)
			.anySatisfy(problem -> assertThat(problem).contains("OUTBOX_MODE=FALLBAK").contains("ALWAYS"));
		assertThat(DriftChecks.outboxSettings("compose", Map.of("OUTBOX_MODE", "${OUTBOX_MODE:-ALWAYS}"))).isEmpty();
		assertThat(DriftChecks.outboxSettings("compose", Map.of("OUTBOX_MODE", "${OUTBOX_MODE:-NEVER}"))).hasSize(1);
	}

}
