package io.txorders.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * One broker group of the stack: a master named {@code broker-a}, {@code broker-b}, ...,
 * registered with the one NameServer, with every transactional topic and consumer group
 * on it. broker-a runs in the infra JVM beside the NameServer and the gRPC proxy; the
 * others each run in a JVM of their own ({@code broker}), so that one can be killed and
 * started again on its own store and ports.
 */
final class BrokerGroup {

	static final String CLUSTER = "DefaultCluster";

	/** Broker groups the local stack starts at most. */
	static final int MAX_GROUPS = 4;

	/** Between the main ports of two groups when --broker-port is given. */
	static final int PORT_STEP = 10;

	static final String LOOPBACK = "127.0.0.1";

	private final String name;

	private final int port;

	private final Path home;

	private final Path store;

	private final String namesrvAddress;

	private final Settings settings;

	/**
	 * @param name the group's (broker) name
	 * @param port its main port; it also listens on port - 2
	 * @param home its RocketMQ home (broker.properties)
	 * @param store its message store
	 * @param namesrvAddress the NameServer it registers with
	 * @param settings what every group of the stack shares
	 */
	BrokerGroup(String name, int port, Path home, Path store, String namesrvAddress, Settings settings) {
		this.name = name;
		this.port = port;
		this.home = home;
		this.store = store;
		this.namesrvAddress = namesrvAddress;
		this.settings = settings;
	}

	/** The group's name by its index: 0 is broker-a. */
	static String name(int index) {
		if (index < 0 || index >= MAX_GROUPS) {
			throw new IllegalArgumentException("a broker group's index is 0 to " + (MAX_GROUPS - 1) + ", got " + index);
		}
		return "broker-" + (char) ('a' + index);
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	String namesrvAddress() {
		return this.namesrvAddress;
	}

	String address() {
		return LOOPBACK + ":" + this.port;
	}

	/**
	 * The broker, initialized and ready to start, with the transactional message service
	 * that does not spin when idle.
	 * @return the broker, not started
	 */
	BrokerController initialize() throws Exception {
		Files.createDirectories(this.home);
		Files.createDirectories(this.store);
		BrokerConfig brokerConfig = new BrokerConfig();
		brokerConfig.setRocketmqHome(this.home.toString());
		brokerConfig.setBrokerConfigPath(this.home.resolve("broker.properties").toString());
		brokerConfig.setBrokerClusterName(CLUSTER);
		brokerConfig.setBrokerName(this.name);
		brokerConfig.setBrokerId(0);
		brokerConfig.setNamesrvAddr(this.namesrvAddress);
		// Otherwise the broker advertises the network card's address.
		brokerConfig.setBrokerIP1(LOOPBACK);
		brokerConfig.setBrokerIP2(LOOPBACK);
		brokerConfig.setAutoCreateTopicEnable(false);
		brokerConfig.setTransactionTimeOut(this.settings.transactionTimeoutMs());
		brokerConfig.setTransactionCheckInterval(this.settings.transactionCheckIntervalMs());
		brokerConfig.setTransactionOpBatchInterval(this.settings.transactionOpBatchIntervalMs());
		brokerConfig.setTransactionCheckMax(this.settings.transactionCheckMax());

		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(LOOPBACK);
		server.setListenPort(this.port);

		MessageStoreConfig storeConfig = new MessageStoreConfig();
		storeConfig.setStorePathRootDir(this.store.toString());
		storeConfig.setStorePathCommitLog(this.store.resolve("commitlog").toString());
		// LoopbackHAService opens no listener for it; the port stays where stock puts it.
		storeConfig.setHaListenPort(this.port + 1);
		// Small mapped files: the defaults (a 1 GiB commit log, 6 MB per queue, a 400 MB
		// index) are sized for production disks and page caches, not a laptop stack
		// that runs under -Xmx512m.
		storeConfig.setMappedFileSizeCommitLog(64 * 1024 * 1024);
		storeConfig.setMappedFileSizeConsumeQueue(50_000 * 20);
		storeConfig.setMappedFileSizeTimerLog(8 * 1024 * 1024);
		// No timer store with remoting: nothing sends timed messages or consumes by pop
		// (the apps pull; retries' delay levels go through the schedule service), and its
		// wheel flush alone costs the broker a steady share of a core, load or not.
		// gRPC consumers pop through the proxy, refused without it ("pop message
		// is forbidden").
		storeConfig.setTimerWheelEnable(this.settings.timerWheel());
		storeConfig.setMaxHashSlotNum(50_000);
		storeConfig.setMaxIndexNum(200_000);

		AuthConfig authConfig = new AuthConfig();
		authConfig.setConfigName(this.name);
		authConfig.setClusterName(CLUSTER);
		authConfig.setAuthConfigPath(this.store.resolve("config").toString());
		BrokerController broker = new BrokerController(brokerConfig, server, new NettyClientConfig(), storeConfig,
				authConfig);
		if (!broker.initialize()) {
			throw new StackException("broker group " + this.name + " failed to initialize; see its rocketmq.log");
		}
		// RocketMQ 5.5.0's op batch thread spins on one core whenever the broker is idle
		// between transactions (see IdleSafeTransactionalMessageService); swap the
		// service before the broker starts and stop the original's thread.
		broker.getTransactionalMessageService().close();
		broker.setTransactionalMessageService(new IdleSafeTransactionalMessageService(broker));
		return broker;
	}

	/**
	 * Create the transactional topics, the consumer groups and their retry topics on this
	 * group through the admin API (again after a restart: the broker keeps them, and
	 * creating them again changes nothing), then wait until the NameServer routes each
	 * topic to this group.
	 * @param broker this group's broker, started
	 * @param timeoutMillis how long to wait for the routes
	 */
	void createTopicsAndGroups(BrokerController broker, long timeoutMillis) throws Exception {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		DefaultMQAdminExt admin = new DefaultMQAdminExt("local-stack-admin", 5000);
		admin.setNamesrvAddr(this.namesrvAddress);
		admin.setInstanceName("local-stack-admin-" + this.name + "-" + ProcessHandle.current().pid());
		admin.start();
		try {
			awaitRegistered(broker, admin, deadline);
			for (String topic : this.settings.transactionTopics()) {
				TopicConfig topicConfig = new TopicConfig(topic, 4, 4);
				topicConfig.setAttributes(Map.of("+message.type", "TRANSACTION"));
				admin.createAndUpdateTopicConfig(address(), topicConfig);
			}
			for (String group : this.settings.consumerGroups()) {
				SubscriptionGroupConfig groupConfig = new SubscriptionGroupConfig();
				groupConfig.setGroupName(group);
				groupConfig.setRetryMaxTimes(this.settings.maxRetries());
				admin.createAndUpdateSubscriptionGroupConfig(address(), groupConfig);
				// The broker would create the group's retry topic on the consumer's
				// first heartbeat, and the consumer would learn its route only at
				// its next route refresh (30 s): the first retry of a new stack
				// would wait that long.
				admin.createAndUpdateTopicConfig(address(), new TopicConfig(MixAll.getRetryTopic(group), 1, 1));
			}
			awaitRoutes(admin, deadline, timeoutMillis);
		}
		finally {
			admin.shutdown();
		}
	}

	/**
	 * RocketMQ 5.5.0 registers a new broker with the NameServer at its first periodic
	 * registration, 10 s after its start (the one at the start goes nowhere while the
	 * client has not yet found the NameServer reachable), and until then the NameServer
	 * ignores its topics: register it now, again until the NameServer knows it.
	 */
	private void awaitRegistered(BrokerController broker, DefaultMQAdminExt admin, long deadline)
			throws InterruptedException {
		while (true) {
			try {
				BrokerData data = admin.examineBrokerClusterInfo().getBrokerAddrTable().get(this.name);
				if (data != null && address().equals(data.getBrokerAddrs().get(0L))) {
					return;
				}
				broker.registerBrokerAll(true, false, true);
			}
			catch (Exception ex) {
				// The NameServer not answering yet: try again.
			}
			if (System.currentTimeMillis() > deadline) {
				throw new StackException(this.name + " is still not registered with the NameServer at "
						+ this.namesrvAddress + "; see its rocketmq.log");
			}
			Thread.sleep(200);
		}
	}

	private void awaitRoutes(DefaultMQAdminExt admin, long deadline, long timeoutMillis) throws InterruptedException {
		for (String topic : this.settings.transactionTopics()) {
			Exception last = null;
			while (true) {
				try {
					if (routesHere(admin.examineTopicRouteInfo(topic))) {
						break;
					}
				}
				catch (Exception ex) {
					// Expected until the broker's next registration arrives.
					last = ex;
				}
				if (System.currentTimeMillis() > deadline) {
					throw new StackException("the NameServer still has no route for topic '" + topic + "' to "
							+ this.name + " after " + timeoutMillis + " ms"
							+ ((last != null) ? ": " + last.getMessage() : "") + "; see its rocketmq.log");
				}
				Thread.sleep(200);
			}
		}
	}

	private boolean routesHere(TopicRouteData route) {
		if (route == null) {
			return false;
		}
		boolean queues = false;
		for (QueueData queue : route.getQueueDatas()) {
			queues |= this.name.equals(queue.getBrokerName()) && queue.getWriteQueueNums() > 0;
		}
		boolean broker = false;
		for (BrokerData data : route.getBrokerDatas()) {
			broker |= this.name.equals(data.getBrokerName()) && address().equals(data.getBrokerAddrs().get(0L));
		}
		return queues && broker;
	}

	/**
	 * What every broker group of the stack shares: the transactional settings, the topics
	 * and groups created on each, and the timer wheel (on for the gRPC transport's pop
	 * consumers).
	 */
	record Settings(long transactionTimeoutMs, long transactionCheckIntervalMs, int transactionOpBatchIntervalMs,
			int transactionCheckMax, List<String> transactionTopics, List<String> consumerGroups, int maxRetries,
			boolean timerWheel) {

		static Settings of(InfraConfig config) {
			return new Settings(config.transactionTimeoutMs(), config.transactionCheckIntervalMs(),
					config.transactionOpBatchIntervalMs(), config.transactionCheckMax(), config.transactionTopics(),
					config.consumerGroups(), config.maxRetries(), config.grpc());
		}

	}

}
