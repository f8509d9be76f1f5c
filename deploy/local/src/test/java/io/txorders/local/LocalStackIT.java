package io.txorders.local;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;

import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * Forks the packaged launcher the way the other modules' tests will, and checks what it
 * promises: databases with the schema and demo data, topics routable, a ready file. It
 * runs two broker groups (--brokers=2): broker-b in a JVM of its own, which a test kills
 * and starts again.
 */
class LocalStackIT {

	@TempDir
	static Path workDir;

	static Process infra;

	static Properties ready;

	/**
	 * TXORDERS_IT_DB_PREFIX, as LocalInfra reads it: two checkouts may share a server.
	 */
	static final String DB = Objects.requireNonNullElse(System.getenv("TXORDERS_IT_DB_PREFIX"), "it_") + "local_";

	@BeforeAll
	static void startInfra() throws Exception {
		Path jar = Path.of("target", "local-stack.jar").toAbsolutePath();
		assertThat(jar).exists();
		Path readyFile = workDir.resolve("ready.properties");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		infra = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "infra", "--embedded-db=auto",
				"--namesrv-port=0", "--broker-port=0", "--proxy-port=0", "--work-dir=" + workDir,
				"--ready-file=" + readyFile, "--orders-db=" + DB + "orders", "--consumer-db=" + DB + "consumer",
				"--reset-db", "--die-with-parent", "--fast-shutdown", "--brokers=2")
			.redirectErrorStream(true)
			.redirectOutput(workDir.resolve("infra.out").toFile())
			.start();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
			assertThat(infra.isAlive()).as("infra exited early; output:%n%s", output()).isTrue();
			return Files.exists(readyFile);
		});
		ready = ReadyFile.read(readyFile);
	}

	@AfterAll
	static void stopInfra() throws Exception {
		if (infra != null) {
			long brokerB = brokerBPid();
			infra.destroy();
			if (!infra.waitFor(30, TimeUnit.SECONDS)) {
				infra.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			// broker-b's JVM, whoever started it last, stops with infra.
			await("broker-b's JVM stops with infra").atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> ProcessHandle.of(brokerB).map((p) -> !p.isAlive()).orElse(true));
		}
	}

	/** The pid of broker-b's JVM now, from its own ready file. */
	static long brokerBPid() throws IOException {
		return Long.parseLong(ReadyFile.read(Path.of(ready.getProperty("broker.broker-b.ready"))).getProperty("pid"));
	}

	@Test
	void readyFileHasEveryKey() {
		assertThat(ready.stringPropertyNames()).containsExactlyInAnyOrder("namesrv", "proxy", "transport", "dbUrl",
				"dbUser", "dbPassword", "ordersDb", "consumerDb", "ordersJdbcUrl", "consumerJdbcUrl", "embeddedDb",
				"pid", "jwtIssuer", "jwtPublicKey", "jwtSigningKey", "brokers", "broker.broker-a.address",
				"broker.broker-b.address", "broker.broker-b.pid", "broker.broker-b.args", "broker.broker-b.ready");
		assertThat(ready.getProperty("brokers")).isEqualTo("broker-a,broker-b");
		assertThat(ready.getProperty("broker.broker-b.address")).startsWith("127.0.0.1:")
			.isNotEqualTo(ready.getProperty("broker.broker-a.address"));
		assertThat(ready.getProperty("pid")).isEqualTo(String.valueOf(infra.pid()));
		assertThat(ready.getProperty("namesrv")).startsWith("127.0.0.1:");
		assertThat(ready.getProperty("proxy")).startsWith("127.0.0.1:");
		assertThat(ready.getProperty("transport")).isEqualTo("remoting");
		assertThat(ready.getProperty("ordersJdbcUrl")).contains("/" + DB + "orders?");
	}

	@Test
	void databasesHaveSchemaAndDemoData() throws Exception {
		String user = ready.getProperty("dbUser");
		String password = ready.getProperty("dbPassword");
		try (Connection connection = DriverManager.getConnection(ready.getProperty("consumerJdbcUrl"), user, password);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT available FROM stock WHERE sku = 'LAST-ONE'")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getInt(1)).isEqualTo(1);
		}
		try (Connection connection = DriverManager.getConnection(ready.getProperty("ordersJdbcUrl"), user, password);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM catalog_item WHERE active")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getInt(1)).isPositive();
			statement.executeQuery("SELECT COUNT(*) FROM transaction_record").close();
			// Migrated from the jar's scripts, each with its history, as the apps do.
			for (String history : List.of("flyway_schema_history", "messaging_schema_history")) {
				try (ResultSet applied = statement
					.executeQuery("SELECT COUNT(*) FROM " + history + " WHERE script LIKE 'V1\\_\\_%' AND success")) {
					assertThat(applied.next()).isTrue();
					assertThat(applied.getInt(1)).as(history).isEqualTo(1);
				}
			}
		}
	}

	@Test
	void topicsAreRoutableAndProxyListens() throws Exception {
		// The admin client logs through rmq.logback.xml too: keep its file out of the
		// module dir.
		System.setProperty("local.stack.log.dir", workDir.resolve("test-logs").toString());
		DefaultMQAdminExt admin = new DefaultMQAdminExt("local-stack-it", 5000);
		admin.setNamesrvAddr(ready.getProperty("namesrv"));
		admin.setInstanceName("local-stack-it-" + ProcessHandle.current().pid());
		admin.start();
		try {
			assertEveryTopicAndGroupOnEachBrokerGroup(admin);
		}
		finally {
			admin.shutdown();
		}
		String[] proxy = ready.getProperty("proxy").split(":");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(proxy[0], Integer.parseInt(proxy[1])), 2000);
			assertThat(socket.isConnected()).isTrue();
		}
	}

	/**
	 * Both groups route every topic with 4 queues, each holds the topics as TRANSACTION
	 * topics, every consumer group and its retry topic.
	 */
	private static void assertEveryTopicAndGroupOnEachBrokerGroup(DefaultMQAdminExt admin) throws Exception {
		Map<String, String> groups = Map.of("broker-a", ready.getProperty("broker.broker-a.address"), "broker-b",
				ready.getProperty("broker.broker-b.address"));
		for (String topic : List.of("order-events", "reply-events")) {
			TopicRouteData route = admin.examineTopicRouteInfo(topic);
			assertThat(route.getQueueDatas()).extracting(QueueData::getBrokerName, QueueData::getWriteQueueNums)
				.containsExactlyInAnyOrder(tuple("broker-a", 4), tuple("broker-b", 4));
			assertThat(route.getBrokerDatas()).extracting(BrokerData::getBrokerName, (b) -> b.getBrokerAddrs().get(0L))
				.containsExactlyInAnyOrder(tuple("broker-a", groups.get("broker-a")),
						tuple("broker-b", groups.get("broker-b")));
		}
		for (String address : groups.values()) {
			for (String topic : List.of("order-events", "reply-events")) {
				assertThat(admin.examineTopicConfig(address, topic).getAttributes()).as(topic + " on " + address)
					.containsEntry("message.type", "TRANSACTION");
			}
			for (String group : List.of("inventory", "payment", "points", "order-replies")) {
				assertThat(admin.examineSubscriptionGroupConfig(address, group).getRetryMaxTimes())
					.as(group + " on " + address)
					.isEqualTo(16);
				assertThat(admin.examineTopicConfig(address, "%RETRY%" + group)).as("retry topic of " + group)
					.isNotNull();
			}
		}
	}

	/**
	 * broker-b killed with SIGKILL comes back with {@code java @<broker.args>} on the
	 * same port and store: its topics are still there and routed again, and its stored
	 * messages too.
	 */
	@Test
	void brokerBKilledStartsAgainOnItsStoreAndPorts() throws Exception {
		System.setProperty("local.stack.log.dir", workDir.resolve("test-logs").toString());
		String address = ready.getProperty("broker.broker-b.address");
		DefaultMQAdminExt admin = new DefaultMQAdminExt("local-stack-it-restart", 5000);
		admin.setNamesrvAddr(ready.getProperty("namesrv"));
		admin.setInstanceName("local-stack-it-restart-" + ProcessHandle.current().pid());
		admin.start();
		try {
			long stored = messagesOn(admin, address, "order-events");
			ProcessHandle brokerB = ProcessHandle.of(brokerBPid()).orElseThrow();
			brokerB.destroyForcibly();
			brokerB.onExit().get(20, TimeUnit.SECONDS);
			Path readyFile = Path.of(ready.getProperty("broker.broker-b.ready"));
			Files.deleteIfExists(readyFile);
			// The NameServer drops the group once its connection is gone.
			await("broker-b gone from the route").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> admin.examineTopicRouteInfo("order-events").getBrokerDatas().size() == 1);
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			new ProcessBuilder(java, "@" + ready.getProperty("broker.broker-b.args")).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("broker-b-restart.out").toFile()))
				.start();
			await("broker-b ready again").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> Files.isRegularFile(readyFile));
			assertThat(ReadyFile.read(readyFile).getProperty("address")).isEqualTo(address);
			assertEveryTopicAndGroupOnEachBrokerGroup(admin);
			assertThat(messagesOn(admin, address, "order-events")).isEqualTo(stored);
		}
		finally {
			admin.shutdown();
		}
	}

	private static long messagesOn(DefaultMQAdminExt admin, String address, String topic) throws Exception {
		return admin.examineTopicStats(address, topic)
			.getOffsetTable()
			.values()
			.stream()
			.mapToLong(TopicOffset::getMaxOffset)
			.sum();
	}

	/**
	 * RocketMQ 5.5.0's op batch thread spins on a core once every op queue is drained
	 * (apache/rocketmq issue 10966); the local stack replaces the service that drives it.
	 * After a few committed transactions the thread must stay nearly idle: before, it
	 * used a whole core from the first op batch on (about 250 clock ticks in these 3 s).
	 */
	@Test
	void brokerDoesNotSpinOnceTransactionsAreSettled() throws Exception {
		Path tasks = Path.of("/proc", String.valueOf(infra.pid()), "task");
		assumeTrue(Files.isDirectory(tasks), "reads thread CPU time from Linux /proc");
		System.setProperty("local.stack.log.dir", workDir.resolve("test-logs").toString());
		TransactionMQProducer producer = new TransactionMQProducer("local-stack-it-tx");
		producer.setNamesrvAddr(ready.getProperty("namesrv"));
		producer.setInstanceName("local-stack-it-tx-" + ProcessHandle.current().pid());
		producer.setTransactionListener(new TransactionListener() {

			@Override
			public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
				return LocalTransactionState.COMMIT_MESSAGE;
			}

			@Override
			public LocalTransactionState checkLocalTransaction(MessageExt message) {
				return LocalTransactionState.COMMIT_MESSAGE;
			}

		});
		producer.start();
		try {
			for (int i = 0; i < 5; i++) {
				assertThat(producer
					.sendMessageInTransaction(
							new Message("order-events", ("idle-" + i).getBytes(StandardCharsets.UTF_8)), null)
					.getLocalTransactionState()).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
			}
		}
		finally {
			producer.shutdown();
		}
		DefaultMQAdminExt admin = new DefaultMQAdminExt("local-stack-it-op", 5000);
		admin.setNamesrvAddr(ready.getProperty("namesrv"));
		admin.setInstanceName("local-stack-it-op-" + ProcessHandle.current().pid());
		admin.start();
		try {
			// Every COMMIT processed: the op records are queued and written within one op
			// batch interval (500 ms), after which the op queues are empty.
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> admin.examineTopicStats("order-events")
					.getOffsetTable()
					.values()
					.stream()
					.mapToLong(TopicOffset::getMaxOffset)
					.sum() >= 5);
		}
		finally {
			admin.shutdown();
		}
		Path opBatchThread = threadNamed(tasks, "TransactionalOp");
		long before = cpuTicks(opBatchThread);
		await("the op batch thread stays idle").during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> cpuTicks(opBatchThread) - before < 50);
	}

	/** A thread of the infra JVM by its (15-character) Linux name. */
	private static Path threadNamed(Path tasks, String name) throws IOException {
		try (Stream<Path> threads = Files.list(tasks)) {
			return threads.filter((task) -> {
				try {
					return Files.readString(task.resolve("comm")).trim().equals(name);
				}
				catch (IOException ex) {
					return false;
				}
			}).findFirst().orElseThrow(() -> new AssertionError("no thread named " + name + " in the infra JVM"));
		}
	}

	/** User plus system CPU time of a thread, in clock ticks (fields 14 and 15). */
	private static long cpuTicks(Path task) throws IOException {
		String stat = Files.readString(task.resolve("stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	private static String output() {
		try {
			File file = workDir.resolve("infra.out").toFile();
			return file.exists() ? Files.readString(file.toPath()) : "(none)";
		}
		catch (java.io.IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

}
