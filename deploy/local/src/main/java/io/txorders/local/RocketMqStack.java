package io.txorders.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.alibaba.fastjson2.JSON;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.common.thread.ThreadPoolMonitor;
import org.apache.rocketmq.common.utils.StartAndShutdown;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.proxy.ProxyStartup;
import org.apache.rocketmq.proxy.config.Configuration;
import org.apache.rocketmq.proxy.config.ConfigurationManager;
import org.apache.rocketmq.proxy.config.ProxyConfig;
import org.apache.rocketmq.proxy.grpc.GrpcServer;
import org.apache.rocketmq.proxy.grpc.v2.GrpcMessagingApplication;
import org.apache.rocketmq.proxy.metrics.ProxyMetricsManager;
import org.apache.rocketmq.proxy.processor.DefaultMessagingProcessor;
import org.apache.rocketmq.proxy.service.cert.TlsCertificateManager;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NameServer, Broker and the gRPC proxy in LOCAL mode, in this JVM, on 127.0.0.1 only.
 */
final class RocketMqStack implements AutoCloseable {

	static final String CLUSTER = "DefaultCluster";

	static final String BROKER_NAME = "broker-a";

	private static final Logger logger = LoggerFactory.getLogger(RocketMqStack.class);

	private static final String LOOPBACK = "127.0.0.1";

	private final InfraConfig config;

	/** What to stop, newest first. */
	private final Deque<Stoppable> started = new ArrayDeque<>();

	private int namesrvPort;

	private int brokerPort;

	private int proxyPort;

	private BrokerController broker;

	RocketMqStack(InfraConfig config) {
		this.config = config;
	}

	/**
	 * Decide every port before starting anything, so a clash is reported for the right
	 * option.
	 */
	void reservePorts() {
		// Ports picked by the system are kept apart from the ones already decided; only
		// ports given on the command line can clash.
		this.namesrvPort = resolve(this.config.namesrvPort(), "NameServer", "--namesrv-port", Set.of());
		if (this.config.brokerPort() == 0) {
			this.brokerPort = Ports.freeBrokerPort(Set.of(this.namesrvPort));
		}
		else {
			this.brokerPort = this.config.brokerPort();
			if (this.brokerPort < 3) {
				throw new StackException("--broker-port must be at least 3: the broker also listens on port - 2");
			}
			Ports.requireFree(this.brokerPort, "broker", "--broker-port");
			Ports.requireFree(this.brokerPort - 2, "broker fast port, which is --broker-port minus 2", "--broker-port");
		}
		this.proxyPort = resolve(this.config.proxyPort(), "gRPC proxy", "--proxy-port",
				Set.of(this.namesrvPort, this.brokerPort, this.brokerPort - 2, this.brokerPort + 1));
		if (this.proxyPort == this.brokerPort || this.proxyPort == this.brokerPort - 2
				|| this.proxyPort == this.namesrvPort || this.namesrvPort == this.brokerPort
				|| this.namesrvPort == this.brokerPort - 2) {
			throw new StackException(
					"--namesrv-port, --broker-port (and broker-port - 2) and --proxy-port must differ");
		}
	}

	private static int resolve(int requested, String what, String option, Set<Integer> taken) {
		if (requested == 0) {
			return Ports.freePort(taken);
		}
		Ports.requireFree(requested, what, option);
		return requested;
	}

	void startNamesrv() throws Exception {
		long start = System.nanoTime();
		Path home = dir("namesrv");
		NamesrvConfig namesrvConfig = new NamesrvConfig();
		namesrvConfig.setRocketmqHome(home.toString());
		namesrvConfig.setKvConfigPath(home.resolve("kvConfig.json").toString());
		namesrvConfig.setConfigStorePath(home.resolve("namesrv.properties").toString());
		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(LOOPBACK);
		server.setListenPort(this.namesrvPort);
		NamesrvController namesrv = new NamesrvController(namesrvConfig, server, new NettyClientConfig());
		if (!namesrv.initialize()) {
			throw new StackException("the NameServer failed to initialize; see " + logFile());
		}
		namesrv.start();
		// start() points the NameServer's own client at the host's network address, where
		// nothing listens (the server is bound to loopback): its scan for live name
		// servers then failed to connect every few seconds, two log lines each time.
		namesrv.getRemotingClient().updateNameServerAddressList(List.of(namesrvAddress()));
		this.started.push(new Stoppable("NameServer", namesrv::shutdown));
		Console.step("NameServer started on " + namesrvAddress(), start);
	}

	void startBrokerAndProxy() throws Exception {
		long start = System.nanoTime();
		Path proxyHome = dir("proxy");
		Path proxyConfigFile = proxyHome.resolve("rmq-proxy.json");
		Map<String, Object> proxyJson = new LinkedHashMap<>();
		proxyJson.put("proxyMode", "LOCAL");
		proxyJson.put("rocketMQClusterName", CLUSTER);
		proxyJson.put("namesrvAddr", namesrvAddress());
		proxyJson.put("grpcServerPort", this.proxyPort);
		proxyJson.put("localServeAddr", LOOPBACK);
		proxyJson.put("enableGrpcEpoll", false);
		// Modest thread counts: this runs on laptops and next to tests.
		proxyJson.put("grpcWorkerLoopNum", 4);
		proxyJson.put("grpcThreadPoolNums", 16);
		// A gRPC push consumer's close waits out its long poll: 5 s, not the default 20
		// s,
		// so an app on the gRPC transport stops within seconds.
		proxyJson.put("grpcClientConsumerMaxLongPollingTimeoutMillis", 5_000);
		Files.writeString(proxyConfigFile, JSON.toJSONString(proxyJson), StandardCharsets.UTF_8);
		System.setProperty(Configuration.CONFIG_PATH_PROPERTY, proxyConfigFile.toString());
		System.setProperty(ConfigurationManager.RMQ_PROXY_HOME, proxyHome.toString());
		ConfigurationManager.initEnv();
		ConfigurationManager.initConfig();
		ProxyConfig proxyConfig = ConfigurationManager.getProxyConfig();
		ProxyStartup.initThreadPoolMonitor();

		this.broker = createBroker();
		if (!this.broker.initialize()) {
			throw new StackException("the broker failed to initialize; see " + logFile());
		}
		// RocketMQ 5.5.0's op batch thread spins on one core whenever the broker is idle
		// between transactions (see IdleSafeTransactionalMessageService); swap the
		// service before the broker starts and stop the original's thread.
		this.broker.getTransactionalMessageService().close();
		this.broker.setTransactionalMessageService(new IdleSafeTransactionalMessageService(this.broker));
		ProxyMetricsManager.initLocalMode(this.broker.getBrokerMetricsManager(), proxyConfig);
		this.broker.start();
		BrokerController brokerRef = this.broker;
		this.started.push(new Stoppable("broker", brokerRef::shutdown));
		Console.step("broker started on " + brokerAddress(), start);

		long proxyStart = System.nanoTime();
		DefaultMessagingProcessor processor = DefaultMessagingProcessor.createForLocalMode(this.broker);
		startAndTrack("proxy messaging processor", processor);
		TlsCertificateManager tls = new TlsCertificateManager();
		startAndTrack("proxy TLS manager", tls);
		ThreadPoolExecutor executor = ThreadPoolMonitor.createAndMonitor(proxyConfig.getGrpcThreadPoolNums(),
				proxyConfig.getGrpcThreadPoolNums(), 1, TimeUnit.MINUTES, "GrpcRequestExecutorThread",
				proxyConfig.getGrpcThreadPoolQueueCapacity());
		this.started.push(new Stoppable("proxy executor", executor::shutdown));
		GrpcMessagingApplication application = GrpcMessagingApplication.create(processor);
		startAndTrack("proxy gRPC application", application);
		GrpcServer grpcServer = new LoopbackGrpcServerBuilder(executor, this.proxyPort, tls).addService(application)
			.configInterceptor()
			.shutdownTime(proxyConfig.getGrpcShutdownTimeSeconds(), TimeUnit.SECONDS)
			.build();
		startAndTrack("proxy gRPC server", grpcServer);
		Console.step("gRPC proxy (LOCAL mode) started on " + proxyAddress(), proxyStart);
	}

	private void startAndTrack(String name, StartAndShutdown component) throws Exception {
		component.start();
		this.started.push(new Stoppable(name, component::shutdown));
	}

	private BrokerController createBroker() throws IOException {
		Path store = dir("store");
		BrokerConfig brokerConfig = new BrokerConfig();
		brokerConfig.setRocketmqHome(dir("broker").toString());
		brokerConfig.setBrokerConfigPath(dir("broker").resolve("broker.properties").toString());
		brokerConfig.setBrokerClusterName(CLUSTER);
		brokerConfig.setBrokerName(BROKER_NAME);
		brokerConfig.setBrokerId(0);
		brokerConfig.setNamesrvAddr(namesrvAddress());
		// Otherwise the broker advertises the network card's address.
		brokerConfig.setBrokerIP1(LOOPBACK);
		brokerConfig.setBrokerIP2(LOOPBACK);
		brokerConfig.setAutoCreateTopicEnable(false);
		brokerConfig.setTransactionTimeOut(this.config.transactionTimeoutMs());
		brokerConfig.setTransactionCheckInterval(this.config.transactionCheckIntervalMs());
		brokerConfig.setTransactionOpBatchInterval(this.config.transactionOpBatchIntervalMs());
		brokerConfig.setTransactionCheckMax(this.config.transactionCheckMax());

		NettyServerConfig server = new NettyServerConfig();
		server.setBindAddress(LOOPBACK);
		server.setListenPort(this.brokerPort);

		MessageStoreConfig storeConfig = new MessageStoreConfig();
		storeConfig.setStorePathRootDir(store.toString());
		storeConfig.setStorePathCommitLog(store.resolve("commitlog").toString());
		// LoopbackHAService opens no listener for it; the port stays where stock puts it.
		storeConfig.setHaListenPort(this.brokerPort + 1);
		// Small mapped files: the defaults (a 1 GiB commit log, 6 MB per queue, a 400 MB
		// index) are sized for production disks and page caches, not a laptop stack
		// that runs under -Xmx512m.
		storeConfig.setMappedFileSizeCommitLog(64 * 1024 * 1024);
		storeConfig.setMappedFileSizeConsumeQueue(50_000 * 20);
		storeConfig.setMappedFileSizeTimerLog(8 * 1024 * 1024);
		// No timer store with remoting: nothing sends timed messages or consumes by pop
		// (the apps pull; retries' delay levels go through the schedule service), and its
		// wheel flush alone costs the broker a steady share of a core, load or not. gRPC
		// consumers pop through the proxy, refused without it ("pop message is
		// forbidden").
		storeConfig.setTimerWheelEnable(this.config.grpc());
		storeConfig.setMaxHashSlotNum(50_000);
		storeConfig.setMaxIndexNum(200_000);

		AuthConfig authConfig = new AuthConfig();
		authConfig.setConfigName(BROKER_NAME);
		authConfig.setClusterName(CLUSTER);
		authConfig.setAuthConfigPath(store.resolve("config").toString());
		return new BrokerController(brokerConfig, server, new NettyClientConfig(), storeConfig, authConfig);
	}

	/**
	 * Create the transactional topics, the consumer groups and their retry topics through
	 * the admin API, then wait until the NameServer serves the topics' routes.
	 * @param timeoutMillis how long to wait for the routes
	 */
	void createTopicsAndGroups(long timeoutMillis) throws Exception {
		long start = System.nanoTime();
		DefaultMQAdminExt admin = new DefaultMQAdminExt("local-stack-admin", 5000);
		admin.setNamesrvAddr(namesrvAddress());
		admin.setInstanceName("local-stack-admin-" + ProcessHandle.current().pid());
		admin.start();
		try {
			for (String topic : this.config.transactionTopics()) {
				TopicConfig topicConfig = new TopicConfig(topic, 4, 4);
				topicConfig.setAttributes(Map.of("+message.type", "TRANSACTION"));
				admin.createAndUpdateTopicConfig(brokerAddress(), topicConfig);
			}
			for (String group : this.config.consumerGroups()) {
				SubscriptionGroupConfig groupConfig = new SubscriptionGroupConfig();
				groupConfig.setGroupName(group);
				groupConfig.setRetryMaxTimes(this.config.maxRetries());
				admin.createAndUpdateSubscriptionGroupConfig(brokerAddress(), groupConfig);
				// The broker would create the group's retry topic on the consumer's
				// first heartbeat, and the consumer would learn its route only at
				// its next route refresh (30 s): the first retry of a new stack
				// would wait that long.
				admin.createAndUpdateTopicConfig(brokerAddress(), new TopicConfig(MixAll.getRetryTopic(group), 1, 1));
			}
			awaitRoutes(admin, this.config.transactionTopics(), timeoutMillis);
		}
		finally {
			admin.shutdown();
		}
		Console.step(
				"topics " + this.config.transactionTopics() + " (TRANSACTION, 4 queues) and groups "
						+ this.config.consumerGroups() + " (retryMaxTimes " + this.config.maxRetries() + ") ready",
				start);
	}

	private void awaitRoutes(DefaultMQAdminExt admin, List<String> topics, long timeoutMillis)
			throws InterruptedException {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		for (String topic : topics) {
			Exception last = null;
			while (true) {
				try {
					TopicRouteData route = admin.examineTopicRouteInfo(topic);
					if (route != null && !route.getQueueDatas().isEmpty() && !route.getBrokerDatas().isEmpty()) {
						break;
					}
				}
				catch (Exception ex) {
					// Expected until the broker's next registration arrives.
					last = ex;
				}
				if (System.currentTimeMillis() > deadline) {
					throw new StackException(
							"the NameServer still has no route for topic '" + topic + "' after " + timeoutMillis + " ms"
									+ ((last != null) ? ": " + last.getMessage() : "") + "; see " + logFile());
				}
				Thread.sleep(200);
			}
		}
	}

	String namesrvAddress() {
		return LOOPBACK + ":" + this.namesrvPort;
	}

	String brokerAddress() {
		return LOOPBACK + ":" + this.brokerPort;
	}

	String proxyAddress() {
		return LOOPBACK + ":" + this.proxyPort;
	}

	private Path dir(String name) throws IOException {
		return Files.createDirectories(this.config.workDir().resolve(name));
	}

	private File logFile() {
		return this.config.workDir().resolve("logs").resolve("rocketmq.log").toFile();
	}

	/**
	 * Stop the proxy parts first, then the broker, then the NameServer.
	 * @param includeBroker false to skip the slow graceful broker shutdown
	 */
	void stop(boolean includeBroker) {
		while (!this.started.isEmpty()) {
			Stoppable stoppable = this.started.pop();
			if (!includeBroker && stoppable.name().equals("broker")) {
				continue;
			}
			long start = System.nanoTime();
			try {
				stoppable.action().run();
				logger.info("{} stopped in {}", stoppable.name(), Console.seconds(start));
			}
			catch (Exception ex) {
				logger.warn("stopping {} failed", stoppable.name(), ex);
				Console.error("stopping " + stoppable.name() + " failed: " + ex.getMessage());
			}
		}
	}

	@Override
	public void close() {
		stop(true);
	}

	@FunctionalInterface
	interface Action {

		void run() throws Exception;

	}

	record Stoppable(String name, Action action) {
	}

}
