package io.txorders.deploy;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook dispatcher's settings (WEBHOOK_*): every one producer-service reads is in
 * docs/webhooks.md's Settings table with the app's default, and compose and the k8s
 * ConfigMap name it, so none is left to a default nobody sees.
 */
class WebhookSettingsDriftTest {

	private static final Pattern SETTINGS_ROW = Pattern.compile("(?m)^\\| `(WEBHOOK_[A-Z0-9_]+)` \\| ([^|]*) \\|");

	@Test
	void everyWebhookSettingTheAppReadsIsDocumentedWithItsDefault() {
		Map<String, String> reads = webhookVariables(Repo.environment("producer-service"));
		Map<String, String> documented = documentedSettings(Repo.read("docs/webhooks.md"));
		assertThat(reads).as("producer-service's WEBHOOK_* (application.yml)").isNotEmpty();
		assertThat(documented).isEqualTo(reads);
	}

	@Test
	void composeAndTheConfigMapNameEveryWebhookSettingTheAppReads() {
		Map<String, String> reads = webhookVariables(Repo.environment("producer-service"));
		ComposeDriftTest.appServices().forEach((service, module) -> {
			if (module.equals("producer-service")) {
				assertThat(ComposeDriftTest.environment(service)).as("compose service " + service)
					.containsKeys(reads.keySet().toArray(String[]::new));
			}
		});
		Map<String, String> configMap = new TreeMap<>();
		ComposeDriftTest.map(Repo.yamlDocuments("deploy/k8s/configmap.yaml").get(0).get("data"))
			.forEach((name, value) -> configMap.put(name, String.valueOf(value)));
		assertThat(webhookVariables(configMap)).as("the ConfigMap gives the app's defaults").isEqualTo(reads);
	}

	// The checks report drift.

	@Test
	void theDocsTableIsReadAsEachVariableWithItsDefault() {
		Map<String, String> documented = documentedSettings("""
				| variable | default | meaning |
				|---|---|---|
				| `WEBHOOK_TIMEOUT` | `10s` | a POST's answer must come within it |
				| `WEBHOOK_ALLOWED_NETWORKS` | (none) | internal networks |
				""");
		assertThat(documented).isEqualTo(Map.of("WEBHOOK_TIMEOUT", "10s", "WEBHOOK_ALLOWED_NETWORKS", ""));
		assertThat(documented).isNotEqualTo(Map.of("WEBHOOK_TIMEOUT", "5s", "WEBHOOK_ALLOWED_NETWORKS", ""));
	}

	@Test
	void aScheduleCountOrNetworkTheAppCannotReadIsReported() {
		Map<String, String> set = new TreeMap<>();
		set.put("WEBHOOK_RETRY_SCHEDULE", "2 seconds,5s");
		set.put("WEBHOOK_THREADS", "eight");
		set.put("WEBHOOK_ALLOWED_NETWORKS", "localhost");
		set.put("WEBHOOK_POLL", "1 s");
		assertThat(DriftChecks.webhookSettings("deploy/local", set, Map.of())).hasSize(4)
			.anySatisfy((problem) -> assertThat(problem).contains("WEBHOOK_ALLOWED_NETWORKS=localhost"));
		assertThat(DriftChecks.webhookSettings("compose",
				Map.of("WEBHOOK_ALLOWED_NETWORKS", "${WEBHOOK_ALLOWED_NETWORKS:-10.0.0.0/8,fd00::/8}"), Map.of()))
			.isEmpty();
	}

	@Test
	void aLeaseNoLongerThanTheTimeoutIsReported() {
		Map<String, String> defaults = Map.of("WEBHOOK_LEASE", "1m", "WEBHOOK_TIMEOUT", "10s");
		assertThat(DriftChecks.webhookSettings("k8s", Map.of("WEBHOOK_LEASE", "10s"), defaults)).hasSize(1);
		assertThat(DriftChecks.webhookSettings("k8s", Map.of("WEBHOOK_TIMEOUT", "2m"), defaults)).hasSize(1);
		assertThat(DriftChecks.webhookSettings("k8s", Map.of("WEBHOOK_TIMEOUT", "30s"), defaults)).isEmpty();
	}

	private static Map<String, String> webhookVariables(Map<String, String> variables) {
		Map<String, String> webhook = new TreeMap<>(variables);
		webhook.keySet().removeIf((name) -> !name.startsWith("WEBHOOK_"));
		return webhook;
	}

	/** The Settings table: each variable with its default, "(none)" read as empty. */
	private static Map<String, String> documentedSettings(String markdown) {
		Map<String, String> settings = new TreeMap<>();
		Matcher row = SETTINGS_ROW.matcher(markdown);
		while (row.find()) {
			String value = row.group(2).trim();
			settings.put(row.group(1), value.startsWith("`") ? value.replace("`", "") : "");
		}
		return settings;
	}

}
