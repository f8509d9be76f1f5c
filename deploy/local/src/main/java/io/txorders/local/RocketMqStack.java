package io.txorders.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.alibaba.fastjson2.JSON;
import org.apache.rocketmq.broker.BrokerController;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NameServer, Broker and the gRPC proxy in LOCAL mode, in this JVM, on 127.0.0.1 only.
 */
final class RocketMqStack implements AutoCloseable {

	static final String CLUSTER = BrokerGroup.CLUSTER;

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

	/** The main ports of broker-b, broker-c, ... */
	private final List<Integer> extraBrokerPorts = new ArrayList<>();

	private volatile ExtraBrokers extraBrokers;

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
		reserveExtraBrokerPorts();
	}

	/**
	 * broker-b, broker-c, ... at --broker-port + 10, + 20, ... (each with its port - 2),
	 * or at free ports when --broker-port is 0.
	 */
	private void reserveExtraBrokerPorts() {
		Set<Integer> taken = new HashSet<>(
				Set.of(this.namesrvPort, this.proxyPort, this.brokerPort, this.brokerPort - 2, this.brokerPort + 1));
		for (int i = 1; i < this.config.brokers(); i++) {
			String name = BrokerGroup.name(i);
			int port;
			if (this.config.brokerPort() == 0) {
				port = Ports.freeBrokerPort(taken);
			}
			else {
				port = this.brokerPort + BrokerGroup.PORT_STEP * i;
				String option = "--broker-port (" + name + " listens on --broker-port + " + BrokerGroup.PORT_STEP * i
						+ ")";
				if (port > 65534 || taken.contains(port) || taken.contains(port - 2)) {
					throw new StackException(name + "'s ports " + port + " and " + (port - 2)
							+ " clash with another server of the stack; choose another " + option);
				}
				Ports.requireFree(port, name, option);
				Ports.requireFree(port - 2, name + " fast port", option);
			}
			taken.addAll(Set.of(port, port - 2, port + 1));
			this.extraBrokerPorts.add(port);
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
		// A gRPC push consumer's close waits out its long poll: 5 s, not the
		// default 20 s, so an app on the gRPC transport stops within seconds.
		proxyJson.put("grpcClientConsumerMaxLongPollingTimeoutMillis", 5_000);
		Files.writeString(proxyConfigFile, JSON.toJSONString(proxyJson), StandardCharsets.UTF_8);
		System.setProperty(Configuration.CONFIG_PATH_PROPERTY, proxyConfigFile.toString());
		System.setProperty(ConfigurationManager.RMQ_PROXY_HOME, proxyHome.toString());
		ConfigurationManager.initEnv();
		ConfigurationManager.initConfig();
		ProxyConfig proxyConfig = ConfigurationManager.getProxyConfig();
		ProxyStartup.initThreadPoolMonitor();

		this.broker = brokerA().initialize();
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

	/**
	 * Create the transactional topics, the consumer groups and their retry topics on
	 * broker-a, then wait until the NameServer serves the topics' routes to it.
	 * @param timeoutMillis how long to wait for the routes
	 */
	void createTopicsAndGroups(long timeoutMillis) throws Exception {
		long start = System.nanoTime();
		brokerA().createTopicsAndGroups(this.broker, timeoutMillis);
		Console.step("topics " + this.config.transactionTopics() + " (TRANSACTION, 4 queues) and groups "
				+ this.config.consumerGroups() + " (retryMaxTimes " + this.config.maxRetries() + ") ready on "
				+ BROKER_NAME, start);
	}

	private BrokerGroup brokerA() throws IOException {
		return new BrokerGroup(BROKER_NAME, this.brokerPort, dir("broker"), dir("store"), namesrvAddress(),
				BrokerGroup.Settings.of(this.config));
	}

	/**
	 * The extra broker groups (broker-b, ...), each in a JVM of its own, started at once
	 * (they need only the NameServer); {@link #awaitExtraBrokers} waits until each serves
	 * its topics.
	 * @param jar the launcher jar the JVMs run
	 */
	void startExtraBrokers(Path jar) throws Exception {
		this.extraBrokers = new ExtraBrokers(jar, this.config);
		for (int i = 1; i < this.config.brokers(); i++) {
			this.extraBrokers.add(new BrokerGroup(BrokerGroup.name(i), this.extraBrokerPorts.get(i - 1),
					this.config.workDir().resolve(BrokerGroup.name(i)).resolve("home"),
					this.config.workDir().resolve(BrokerGroup.name(i)).resolve("store"), namesrvAddress(),
					BrokerGroup.Settings.of(this.config)));
		}
		this.extraBrokers.startAll();
	}

	/**
	 * Waits until every extra broker group serves its topics.
	 * @param timeout how long they may take
	 */
	void awaitExtraBrokers(java.time.Duration timeout) throws Exception {
		if (this.extraBrokers != null) {
			this.extraBrokers.awaitAll(timeout);
		}
	}

	/**
	 * What the ready file says of the broker groups: their names, addresses and, for the
	 * extra ones, pid and the argument file that starts each again.
	 */
	Map<String, String> brokerValues() {
		Map<String, String> values = new LinkedHashMap<>();
		List<String> names = new ArrayList<>(List.of(BROKER_NAME));
		values.put("broker." + BROKER_NAME + ".address", brokerAddress());
		if (this.extraBrokers != null) {
			values.putAll(this.extraBrokers.readyValues());
			names.addAll(this.extraBrokers.names());
		}
		values.put("brokers", String.join(",", names));
		return values;
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
		ExtraBrokers extras = this.extraBrokers;
		// Their JVMs stop on their own while this one stops its parts;
		// awaited at the end.
		List<ProcessHandle> extraJvms = (extras != null) ? extras.signalAll(includeBroker) : List.of();
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
		ExtraBrokers.awaitStopped(extraJvms, includeBroker);
	}

	/** The extra broker groups' JVMs killed, for a fast stop. */
	void killExtraBrokers() {
		ExtraBrokers extras = this.extraBrokers;
		if (extras != null) {
			extras.stopAll(false);
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
