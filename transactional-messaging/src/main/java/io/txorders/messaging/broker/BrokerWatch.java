package io.txorders.messaging.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import com.google.common.util.concurrent.ThreadFactoryBuilder;

/**
 * Watches the broker from the side, on a schedule, with the admin calls
 * {@code mqadmin}/{@code DefaultMQAdminExt} make (topic route, consume stats, topic
 * stats), so no message pays for it:
 * <ul>
 * <li>a health indicator: the NameServer answers and every topic has a route;</li>
 * <li>gauge {@code txorders.consumer.lag{group}}: messages not yet consumed by the group
 * (consume stats, summed over brokers and queues);</li>
 * <li>gauge {@code txorders.dlq.messages{group}}: messages in {@code %DLQ%<group>} (topic
 * stats, max minus min offset; 0 before the first dead letter creates the topic);</li>
 * <li>gauge {@code txorders.broker.reachable}: 1 if the last refresh reached the
 * NameServer.</li>
 * </ul>
 * A failed refresh logs a warning and keeps the last values; it never fails the
 * application. The remoting client of rocketmq-client is used directly (as
 * {@code DefaultMQAdminExt} does internally): rocketmq-tools would bring rocketmq-proto,
 * which clashes with rocketmq-client-java on consumer-service's classpath.
 */
public class BrokerWatch implements HealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);

	/** Meter names, also read by the deploy files' drift tests. */
	public static final String LAG = "txorders.consumer.lag";

	public static final String DLQ = "txorders.dlq.messages";

	public static final String REACHABLE = "txorders.broker.reachable";

	private final String nameServer;

	private final List<String> topics;

	private final List<String> groups;

	private final Duration interval;

	private final Duration timeout;

	private final Map<String, Double> lag = new ConcurrentHashMap<>();

	private final Map<String, Double> deadLetters = new ConcurrentHashMap<>();

	private volatile double reachable;

	private volatile Health health = Health.unknown().withDetail("reason", "not checked yet").build();

	private ScheduledExecutorService scheduler;

	private MQClientInstance client;

	/**
	 * @param nameServer the NameServer (host:port)
	 * @param topics topics that must have a route for the broker to count as healthy
	 * @param groups consumer groups whose lag and dead letters are measured
	 * @param interval time between refreshes
	 * @param timeout timeout of each admin call
	 */
	public BrokerWatch(String nameServer, List<String> topics, List<String> groups, Duration interval, Duration timeout,
			MeterRegistry meters) {
		this.nameServer = nameServer;
		this.topics = List.copyOf(topics);
		this.groups = List.copyOf(groups);
		this.interval = interval;
		this.timeout = timeout;
		for (String group : this.groups) {
			this.lag.put(group, Double.NaN);
			this.deadLetters.put(group, Double.NaN);
			Gauge.builder(LAG, this.lag, values -> values.get(group))
				.tag("group", group)
				.description("messages the consumer group has not consumed yet")
				.register(meters);
			Gauge.builder(DLQ, this.deadLetters, values -> values.get(group))
				.tag("group", group)
				.description("messages in the group's dead-letter topic %DLQ%<group>")
				.register(meters);
		}
		Gauge.builder(REACHABLE, this, watch -> watch.reachable)
			.description("1 if the last scheduled check reached the NameServer")
			.register(meters);
	}

	public synchronized void start() {
		ClientConfig config = new ClientConfig();
		config.setNamesrvAddr(this.nameServer);
		config.setInstanceName("broker-watch-" + ProcessHandle.current().pid());
		config.setMqClientApiTimeout((int) this.timeout.toMillis());
		this.client = MQClientManager.getInstance().getOrCreateMQClientInstance(config);
		try {
			this.client.start();
		}
		catch (Exception ex) {
			log.warn("broker watch could not start its client for {}: {}", this.nameServer, ex.toString());
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor(
				new ThreadFactoryBuilder().setNameFormat("broker-watch").setDaemon(true).build());
		this.scheduler.scheduleWithFixedDelay(this::refresh, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
		if (this.client != null) {
			this.client.shutdown();
		}
	}

	@Override
	public Health health() {
		return this.health;
	}

	void refresh() {
		MQClientAPIImpl api = this.client.getMQClientAPIImpl();
		long timeoutMillis = this.timeout.toMillis();
		Map<String, Object> routes = new LinkedHashMap<>();
		Set<String> brokers = new TreeSet<>();
		boolean allRouted = true;
		try {
			for (String topic : this.topics) {
				TopicRouteData route = route(api, topic, timeoutMillis);
				boolean routed = route != null && !route.getBrokerDatas().isEmpty();
				routes.put(topic, routed ? "routed" : "no route");
				allRouted &= routed;
				if (routed) {
					route.getBrokerDatas()
						.stream()
						.map(BrokerData::selectBrokerAddr)
						.filter(Objects::nonNull)
						.forEach(brokers::add);
				}
			}
			this.reachable = 1;
		}
		catch (Exception ex) {
			this.reachable = 0;
			this.health = Health.down()
				.withDetail("nameServer", this.nameServer)
				.withDetail("error", ex.toString())
				.withDetail("checkedAt", Instant.now().toString())
				.build();
			log.warn("broker watch: NameServer {} not reachable: {}", this.nameServer, ex.toString());
			return;
		}
		this.health = (allRouted ? Health.up() : Health.down()).withDetail("nameServer", this.nameServer)
			.withDetail("topics", routes)
			.withDetail("checkedAt", Instant.now().toString())
			.build();
		for (String group : this.groups) {
			try {
				this.lag.put(group, (double) lag(api, brokers, group, timeoutMillis));
				this.deadLetters.put(group, (double) deadLetters(api, group, timeoutMillis));
			}
			catch (Exception ex) {
				log.warn("broker watch: stats of group {} not read: {}", group, ex.toString());
			}
		}
	}

	private static TopicRouteData route(MQClientAPIImpl api, String topic, long timeoutMillis) throws Exception {
		try {
			return api.getTopicRouteInfoFromNameServer(topic, timeoutMillis);
		}
		catch (org.apache.rocketmq.client.exception.MQClientException ex) {
			// TOPIC_NOT_EXIST: the NameServer answered, the topic has no route.
			return null;
		}
	}

	/**
	 * The group's consume stats on every broker serving the watched topics: they cover
	 * every topic the group consumes there.
	 */
	private static long lag(MQClientAPIImpl api, Set<String> brokers, String group, long timeoutMillis)
			throws Exception {
		long total = 0;
		for (String address : brokers) {
			total += api.getConsumeStats(address, group, timeoutMillis).computeTotalDiff();
		}
		return total;
	}

	private static long deadLetters(MQClientAPIImpl api, String group, long timeoutMillis) throws Exception {
		String topic = "%DLQ%" + group;
		TopicRouteData route = route(api, topic, timeoutMillis);
		if (route == null) {
			return 0;
		}
		long total = 0;
		for (BrokerData broker : route.getBrokerDatas()) {
			String address = broker.selectBrokerAddr();
			if (address == null) {
				continue;
			}
			for (Map.Entry<MessageQueue, TopicOffset> queue : api.getTopicStatsInfo(address, topic, timeoutMillis)
				.getOffsetTable()
				.entrySet()) {
				total += queue.getValue().getMaxOffset() - queue.getValue().getMinOffset();
			}
		}
		return total;
	}

}
