package io.txorders.producer.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How notifications are delivered (docs/webhooks.md, "Settings").
 *
 * @param retrySchedule the waits after each failed attempt; once spent, the notification
 * is FAILED
 * @param timeout a POST's answer must come within it
 * @param connectTimeout connecting must take no longer
 * @param lease a claimed notification is another dispatcher's again after it
 * @param threads POSTs in flight per instance
 * @param maxInFlightPerEndpoint POSTs in flight to one endpoint per instance
 * @param pollInterval how often a dispatcher looks for due notifications
 * @param secretOverlap how long a rotated-out secret still signs
 * @param allowedNetworks internal networks (CIDR) endpoints may be in
 */
@ConfigurationProperties("txorders.webhooks")
public record WebhookSettings(List<Duration> retrySchedule, Duration timeout, Duration connectTimeout, Duration lease,
		int threads, int maxInFlightPerEndpoint, Duration pollInterval, Duration secretOverlap,
		List<String> allowedNetworks) {

	public WebhookSettings {
		retrySchedule = (retrySchedule != null) ? List.copyOf(retrySchedule) : List.of();
		allowedNetworks = (allowedNetworks != null)
				? allowedNetworks.stream().map(String::trim).filter((cidr) -> !cidr.isEmpty()).toList() : List.of();
		if (retrySchedule.stream().anyMatch((wait) -> wait.isNegative() || wait.isZero())) {
			throw new IllegalArgumentException(
					"txorders.webhooks.retry-schedule (WEBHOOK_RETRY_SCHEDULE) must hold positive waits: "
							+ retrySchedule);
		}
		if (threads < 1 || maxInFlightPerEndpoint < 1) {
			throw new IllegalArgumentException("txorders.webhooks.threads (WEBHOOK_THREADS) and "
					+ "max-in-flight-per-endpoint (WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT) must be at least 1");
		}
		if (lease.compareTo(timeout.plus(connectTimeout).multipliedBy(2)) < 0) {
			// A dispatcher still waiting for its answer must not see another take the
			// notification and POST it again.
			throw new IllegalArgumentException("txorders.webhooks.lease (WEBHOOK_LEASE, " + lease
					+ ") must be at least twice the timeout plus the connect timeout ("
					+ timeout.plus(connectTimeout).multipliedBy(2) + ")");
		}
	}

}
