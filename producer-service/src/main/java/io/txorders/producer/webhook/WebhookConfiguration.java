package io.txorders.producer.webhook;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Webhooks: the endpoints, the notifications, their dispatcher (docs/webhooks.md). */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	@Bean
	TargetPolicy webhookTargets(WebhookSettings settings) {
		return new TargetPolicy(settings.allowedNetworks());
	}

	@Bean
	WebhookEndpoints webhookEndpoints(DataSource dataSource) {
		return new WebhookEndpoints(dataSource);
	}

	@Bean
	WebhookNotifications webhookNotifications(DataSource dataSource, WebhookEndpoints endpoints, JsonMapper json) {
		return new WebhookNotifications(dataSource, endpoints, json);
	}

	@Bean
	WebhookDispatcher webhookDispatcher(WebhookNotifications notifications, WebhookEndpoints endpoints,
			TargetPolicy targets, WebhookSettings settings, MeterRegistry meters) {
		return new WebhookDispatcher(notifications, endpoints, targets, settings, meters);
	}

	@Bean
	WebhookOutcomes webhookOutcomes(WebhookNotifications notifications, WebhookDispatcher dispatcher) {
		return new WebhookOutcomes(notifications, dispatcher);
	}

}
