package io.txorders.consumer.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * Starts a push consumer per consumer group and shuts them down on shutdown, after the
 * messages they are applying finish.
 * <p>
 * The consumers pull from the broker over RocketMQ's remoting protocol and commit the
 * group's offset behind what they have applied, the way producer-service's order-replies
 * group does. Consuming through the gRPC proxy (pop) cost the broker about ten times the
 * CPU per message (benchmark/README.md, What changed). A crash delivers again what was
 * applied after the last offset commit (at most a few seconds' worth); the dedupe table
 * makes that harmless.
 */
@Component
// Destroyed first: the consumers stop before the reply producer their handlers use.
@DependsOn("transactionalReplies")
public class ConsumerGroups implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ConsumerGroups.class);

	/** RocketMQ's default retry limit of a consumer group. */
	private static final int DEFAULT_RETRIES = 16;

	/** How long a shutdown waits for the messages being applied. */
	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(15);

	private final ConsumerSettings settings;

	private final JsonMapper json;

	private final ConsumerProbe probe;

	private final MeterRegistry meters;

	private final List<DefaultMQPushConsumer> started = new ArrayList<>();

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
		String tags = String.join(" || ", handlers.keySet());
		DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group.name());
		consumer.setNamesrvAddr(this.settings.nameServer());
		consumer.setConsumeThreadMax(group.threads());
		consumer.setConsumeThreadMin(group.threads());
		// A group with no committed offset yet starts at the oldest message kept, so
		// orders placed before consumer-service first started are not skipped.
		consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		consumer.setAwaitTerminationMillisWhenShutdown(SHUTDOWN_WAIT.toMillis());
		consumer.setMqClientApiTimeout((int) this.settings.requestTimeout().toMillis());
		consumer.setMaxReconsumeTimes(retryLimit(group.name(), topic));
		consumer.registerMessageListener(new GroupListener(group.name(), handlers, this.json, this.probe, this.meters));
		try {
			consumer.subscribe(topic, tags);
			consumer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException(
					"consumer group " + group.name() + " could not start against the NameServer at "
							+ this.settings.nameServer() + ": " + ex.getErrorMessage(),
					ex);
		}
		this.started.add(consumer);
		log.info("consumer group {} subscribed to {} [{}] through the NameServer at {} with {} threads, {} retries",
				group.name(), topic, tags, this.settings.nameServer(), group.threads(),
				consumer.getMaxReconsumeTimes());
	}

	/**
	 * The group's retry limit as created on the broker ({@code retryMaxTimes}). A push
	 * consumer sends its own limit with every failed message and the broker obeys it over
	 * the group's, so the consumer must carry the group's. If the broker does not say (no
	 * route yet, no admin permission), RocketMQ's default of 16.
	 */
	private int retryLimit(String group, String topic) {
		long timeout = this.settings.requestTimeout().toMillis();
		ClientConfig config = new ClientConfig();
		config.setNamesrvAddr(this.settings.nameServer());
		config.setInstanceName("retry-limit-" + ProcessHandle.current().pid());
		config.setMqClientApiTimeout((int) timeout);
		MQClientInstance client = MQClientManager.getInstance().getOrCreateMQClientInstance(config);
		try {
			client.start();
			MQClientAPIImpl api = client.getMQClientAPIImpl();
			for (BrokerData broker : api.getTopicRouteInfoFromNameServer(topic, timeout).getBrokerDatas()) {
				String address = broker.selectBrokerAddr();
				SubscriptionGroupConfig created = (address != null)
						? api.getSubscriptionGroupConfig(address, group, timeout) : null;
				if (created != null) {
					return created.getRetryMaxTimes();
				}
			}
			log.warn("consumer group {}: no broker serving {} knows the group; retrying failed messages {} times",
					group, topic, DEFAULT_RETRIES);
		}
		catch (Exception ex) {
			log.warn("consumer group {}: its retryMaxTimes could not be read from the broker ({}); retrying failed "
					+ "messages {} times", group, ex.toString(), DEFAULT_RETRIES);
		}
		finally {
			client.shutdown();
		}
		return DEFAULT_RETRIES;
	}

	@Override
	public synchronized void destroy() {
		// Each shutdown waits for the messages its group is applying, then commits the
		// group's offset: shut them down together.
		this.started.parallelStream().forEach(DefaultMQPushConsumer::shutdown);
		this.started.clear();
	}

}
