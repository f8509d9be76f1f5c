package io.txorders.consumer.messaging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Starts a rocketmq-client-java push consumer (through the gRPC proxy) per consumer group
 * and closes them on shutdown, so in-flight messages finish before the application
 * context closes.
 */
@Component
public class ConsumerGroups implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ConsumerGroups.class);

	private final ConsumerSettings settings;

	private final JsonMapper json;

	private final ConsumerProbe probe;

	private final MeterRegistry meters;

	private final List<PushConsumer> started = new ArrayList<>();

	ConsumerGroups(ConsumerSettings settings, JsonMapper json, ObjectProvider<ConsumerProbe> probe,
			MeterRegistry meters) {
		this.settings = settings;
		this.json = json;
		// Tests register a probe; in production there is none.
		this.probe = probe.getIfAvailable(() -> ConsumerProbe.NONE);
		this.meters = meters;
	}

	/** Subscribes the group to the given tags of a topic, each applied by its handler. */
	public synchronized void start(ConsumerSettings.Group group, String topic, Map<String, EventHandler<?>> handlers) {
		ClientServiceProvider provider = ClientServiceProvider.loadService();
		ClientConfiguration configuration = ClientConfiguration.newBuilder()
			.setEndpoints(this.settings.proxy())
			.setRequestTimeout(this.settings.requestTimeout())
			// The local proxy speaks plain gRPC on loopback; a real cluster's proxy may
			// use TLS.
			.enableSsl(false)
			.build();
		String tags = String.join(" || ", handlers.keySet());
		try {
			PushConsumer consumer = provider.newPushConsumerBuilder()
				.setClientConfiguration(configuration)
				.setConsumerGroup(group.name())
				.setSubscriptionExpressions(Map.of(topic, new FilterExpression(tags, FilterExpressionType.TAG)))
				.setConsumptionThreadCount(group.threads())
				.setMessageListener(new GroupListener(group.name(), handlers, this.json, this.probe, this.meters))
				.build();
			this.started.add(consumer);
			log.info("consumer group {} subscribed to {} [{}] through {} with {} threads", group.name(), topic, tags,
					this.settings.proxy(), group.threads());
		}
		catch (ClientException ex) {
			throw new IllegalStateException("consumer group " + group.name() + " could not start against the proxy at "
					+ this.settings.proxy() + " (is the broker running and the group created?)", ex);
		}
	}

	@Override
	public synchronized void destroy() {
		// Each close waits for its group's outstanding long-poll receive: close them
		// together.
		this.started.parallelStream().forEach(consumer -> {
			try {
				consumer.close();
			}
			catch (IOException ex) {
				log.warn("consumer group {} did not close cleanly: {}", consumer.getConsumerGroup(), ex.toString());
			}
		});
		this.started.clear();
	}

}
