package io.txorders.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.txorders.deploy.ComposeDriftTest.list;
import static io.txorders.deploy.ComposeDriftTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Prometheus alert rules use only metric names the apps'
 * code registers (scraped form), and cover what an operator watches.
 */
class MonitoringDriftTest {

	private static final String DASHBOARD = "deploy/compose/grafana/dashboards/txorders.json";

	private static final String ALERTS = "deploy/compose/prometheus/alerts.yml";

	/** What the dashboard must show: the brief's operator list. */
	private static final List<String> WATCHED = List.of("txorders_local_transactions_total",
			"txorders_checkback_seconds_count", "txorders_checkback_seconds_bucket",
			"txorders_half_send_seconds_bucket", "txorders_consumer_messages_total",
			"txorders_consumer_redeliveries_total", "txorders_dlq_messages", "txorders_compensations_total",
			"txorders_order_settled_seconds_bucket", "txorders_consumer_lag", "txorders_payment_operations_total",
			"txorders_payment_frozen_amount", "txorders_payment_holds_oldest_seconds", "txorders_order_cancelled_total",
			"txorders_outbox_pending", "txorders_outbox_oldest_seconds", "txorders_outbox_written_total",
			"txorders_outbox_relayed_total", "txorders_outbox_relay_failures_total", "txorders_broker_breaker_open",
			"txorders_webhooks_delivered_total", "txorders_webhooks_retried_total", "txorders_webhooks_failed_total",
			"txorders_webhooks_pending", "txorders_webhooks_oldest_seconds",
			"txorders_webhooks_attempt_seconds_bucket");

	@Test
	void theCodeRegistersTheMetersTheDeployFilesUse() {
		assertThat(Repo.prometheusNames()).containsAll(WATCHED);
	}

	@Test
	void theDashboardUsesOnlyRegisteredMetricsAndShowsEveryWatchedOne() {
		String dashboard = Repo.read(DASHBOARD);
		assertThat(DriftChecks.metricNames("dashboard", dashboard, Repo.prometheusNames())).isEmpty();
		assertThat(DriftChecks.covers("dashboard", dashboard, WATCHED)).isEmpty();
		JsonNode json = JsonMapper.builder().build().readTree(dashboard);
		String datasource = String.valueOf(map(list(
				Repo.yamlFile("deploy/compose/grafana/provisioning/datasources/prometheus.yaml").get("datasources"))
			.get(0)).get("uid"));
		for (JsonNode panel : json.get("panels")) {
			assertThat(panel.get("datasource").get("uid").asString()).isEqualTo(datasource);
			assertThat(panel.get("targets")).isNotEmpty();
		}
	}

	@Test
	void theAlertsUseOnlyRegisteredMetricsAndCoverTheFailureModes() {
		String alerts = Repo.read(ALERTS);
		assertThat(DriftChecks.metricNames("alerts.yml", alerts, Repo.prometheusNames())).isEmpty();
		Map<String, Object> rules = Repo.yamlFile(ALERTS);
		List<String> names = list(map(list(rules.get("groups")).get(0)).get("rules")).stream()
			.map(rule -> String.valueOf(map(rule).get("alert")))
			.toList();
		assertThat(names).contains("TxordersAppDown", "TxordersLocalTransactionFailures", "TxordersCheckbackStorm",
				"TxordersUnresolvedHalfMessages", "TxordersDeadLettersGrowing", "TxordersConsumerLag",
				"TxordersPaymentHoldsStuck", "TxordersOrdersTimingOut", "TxordersPaymentRejections",
				"TxordersOutboxEventsWaiting", "TxordersBrokerBreakerOpen", "TxordersOutboxRelayFailures",
				"TxordersWebhooksFailing", "TxordersWebhooksBacklog");
		assertThat(DriftChecks.covers("alerts.yml", alerts,
				List.of("txorders_local_transactions_total", "txorders_checkback_seconds_count",
						"txorders_dlq_messages", "txorders_consumer_lag", "txorders_payment_holds_oldest_seconds",
						"txorders_order_cancelled_total", "txorders_payment_operations_total",
						"txorders_outbox_oldest_seconds", "txorders_broker_breaker_open",
						"txorders_outbox_relay_failures_total", "txorders_webhooks_failed_total",
						"txorders_webhooks_oldest_seconds")))
			.isEmpty();
	}

	// The checks report drift on either side.

	@Test
	void aMetricTheCodeDoesNotRegisterIsReported() {
		assertThat(DriftChecks.metricNames("dashboard", "rate(txorders_checkbacks_total[5m])", Repo.prometheusNames()))
			.singleElement()
			.asString()
			.contains("txorders_checkbacks_total");
	}

	@Test
	void aMeterRenamedInTheCodeNoLongerMatchesTheDeployFiles() {
		String renamed = """
				static final String LAG = "txorders.group.lag";
				Gauge.builder(LAG, values, v -> 1.0);
				this.meters.counter("txorders.local.transaction", "kind", "place");
				Timer.builder("txorders.checkback");
				""";
		Set<String> names = Repo.prometheusNamesOf(renamed);
		assertThat(names).contains("txorders_group_lag", "txorders_local_transaction_total",
				"txorders_checkback_seconds_bucket");
		assertThat(DriftChecks.metricNames("alerts.yml", Repo.read(ALERTS), names))
			.anySatisfy(problem -> assertThat(problem).contains("txorders_consumer_lag"))
			.anySatisfy(problem -> assertThat(problem).contains("txorders_local_transactions_total"));
	}

}
