package io.txorders.messaging.consume;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.messaging.spi.MessagingProbe;
import io.txorders.messaging.transport.BrokerConnection;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
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

import org.springframework.context.SmartLifecycle;

/**
 * Starts one push consumer per {@link Subscription} once the application context is up,
 * and stops them first on shutdown, after the messages they are applying finish (before
 * the transactional publisher their handlers may use).
 * <p>
 * The consumers pull from the broker over RocketMQ's remoting protocol and commit the
 * group's offset behind what they have applied. Consuming through the gRPC proxy (pop)
 * costs the broker about ten times the CPU per message (docs/performance.md). A crash
 * delivers again what was applied after the last offset commit (at most a few seconds'
 * worth); the dedupe table makes that harmless.
 * <p>
 * With gRPC ({@link BrokerConnection#grpc()}) each group is a client-java
 * {@link PushConsumer} through the proxy instead (the broker pops messages for it and
 * each is acknowledged once applied), with the same listener and dedupe. A group that
 * cannot start because the proxy is out of reach is started again every few seconds.
 */
public class EventConsumers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventConsumers.class);

	/** RocketMQ's default retry limit of a consumer group. */
	private static final int DEFAULT_RETRIES = 16;

	/** How long a shutdown waits for the messages being applied. */
	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(15);

	private static final Duration RETRY_START = Duration.ofSeconds(5);

	private final BrokerConnection broker;

	private final String nameServer;

	private final Duration requestTimeout;

	private final List<Subscription> subscriptions;

	private final JsonMapper json;

	private final MessagingProbe probe;

	private final MeterRegistry meters;

	private final List<Closeable> started = new ArrayList<>();

	private ScheduledExecutorService starter;

	private boolean running;

	public EventConsumers(String nameServer, Duration requestTimeout, List<Subscription> subscriptions, JsonMapper json,
			MessagingProbe probe, MeterRegistry meters) {
		this(BrokerConnection.remoting(nameServer), requestTimeout, subscriptions, json, probe, meters);
	}

	/**
	 * @param broker remoting through the NameServer, or gRPC through the proxy
	 */
	public EventConsumers(BrokerConnection broker, Duration requestTimeout, List<Subscription> subscriptions,
			JsonMapper json, MessagingProbe probe, MeterRegistry meters) {
		this.broker = broker;
		this.nameServer = broker.nameServer();
		this.requestTimeout = requestTimeout;
		this.subscriptions = List.copyOf(subscriptions);
		this.json = json;
		this.probe = probe;
		this.meters = meters;
	}

	/**
	 * One consumer group's subscription: the tags of a topic, each applied by its
	 * handler.
	 *
	 * @param group consumer group name, as created on the broker
	 * @param threads messages applied concurrently
	 * @param topic the topic
	 * @param handlers by tag (event type)
	 */
	public record Subscription(String group, int threads, String topic, Map<String, EventHandler<?>> handlers) {
	}

	@Override
	public synchronized void start() {
		this.running = true;
		if (!this.broker.grpc()) {
			this.subscriptions.forEach(this::subscribe);
			return;
		}
		List<Subscription> waiting = new ArrayList<>();
		for (Subscription subscription : this.subscriptions) {
			if (!subscribeThroughProxy(subscription)) {
				waiting.add(subscription);
			}
		}
		if (!waiting.isEmpty()) {
			this.starter = Executors.newSingleThreadScheduledExecutor(
					new ThreadFactoryBuilder().setNameFormat("grpc-consumer-start").setDaemon(true).build());
			this.starter.scheduleWithFixedDelay(() -> startWaiting(waiting), RETRY_START.toMillis(),
					RETRY_START.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private synchronized void startWaiting(List<Subscription> waiting) {
		if (!this.running) {
			return;
		}
		waiting.removeIf(this::subscribeThroughProxy);
		if (waiting.isEmpty()) {
			this.starter.shutdown();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	/** Last to start, first to stop. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	private void subscribe(Subscription subscription) {
		String group = subscription.group();
		String topic = subscription.topic();
		String tags = String.join(" || ", new TreeSet<>(subscription.handlers().keySet()));
		DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
		consumer.setNamesrvAddr(this.nameServer);
		consumer.setConsumeThreadMax(subscription.threads());
		consumer.setConsumeThreadMin(subscription.threads());
		// A group with no committed offset yet starts at the oldest message kept, so
		// events published before the service first started are not skipped.
		consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		consumer.setAwaitTerminationMillisWhenShutdown(SHUTDOWN_WAIT.toMillis());
		consumer.setMqClientApiTimeout((int) this.requestTimeout.toMillis());
		consumer.setMaxReconsumeTimes(retryLimit(group, topic));
		consumer.registerMessageListener(new GroupListener(subscription, this.json, this.probe, this.meters));
		try {
			consumer.subscribe(topic, tags);
			consumer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("consumer group " + group + " could not start against the NameServer at "
					+ this.nameServer + ": " + ex.getErrorMessage(), ex);
		}
		this.started.add(consumer::shutdown);
		log.info("consumer group {} subscribed to {} [{}] through the NameServer at {} with {} threads, {} retries",
				group, topic, tags, this.nameServer, subscription.threads(), consumer.getMaxReconsumeTimes());
	}

	/**
	 * The group's retry limit as created on the broker ({@code retryMaxTimes}). A push
	 * consumer sends its own limit with every failed message and the broker obeys it over
	 * the group's, so the consumer must carry the group's. If the broker does not say (no
	 * route yet, no admin permission), RocketMQ's default of 16.
	 */
	private int retryLimit(String group, String topic) {
		long timeout = this.requestTimeout.toMillis();
		ClientConfig config = new ClientConfig();
		config.setNamesrvAddr(this.nameServer);
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

	/**
	 * Starts the group's push consumer through the proxy.
	 * @return false if the proxy could not be reached (or refused the group)
	 */
	private boolean subscribeThroughProxy(Subscription subscription) {
		String group = subscription.group();
		String topic = subscription.topic();
		String tags = String.join(" || ", new TreeSet<>(subscription.handlers().keySet()));
		try {
			PushConsumer consumer = ClientServiceProvider.loadService()
				.newPushConsumerBuilder()
				.setClientConfiguration(this.broker.grpcConfiguration(this.requestTimeout))
				.setConsumerGroup(group)
				.setSubscriptionExpressions(Map.of(topic, new FilterExpression(tags, FilterExpressionType.TAG)))
				.setConsumptionThreadCount(subscription.threads())
				.setMessageListener(new GroupListener(subscription, this.json, this.probe, this.meters))
				.build();
			this.started.add(consumer);
		}
		catch (ClientException | RuntimeException ex) {
			log.warn("consumer group {} could not start on {} ({}); retried every {} s", group, this.broker.describe(),
					ex.toString(), RETRY_START.toSeconds());
			return false;
		}
		log.info("consumer group {} subscribed to {} [{}] through {} with {} threads", group, topic, tags,
				this.broker.describe(), subscription.threads());
		return true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.starter != null) {
			this.starter.shutdownNow();
		}
		// Each shutdown waits for the messages its group is applying, then commits the
		// group's offset (or acknowledges them): shut them down together.
		this.started.parallelStream().forEach(EventConsumers::close);
		this.started.clear();
	}

	private static void close(Closeable consumer) {
		try {
			consumer.close();
		}
		catch (IOException ex) {
			log.warn("a consumer did not close cleanly: {}", ex.toString());
		}
	}

}
