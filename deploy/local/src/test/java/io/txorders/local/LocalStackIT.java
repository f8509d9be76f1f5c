package io.txorders.local;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forks the packaged launcher the way the other modules' tests will, and checks what it
 * promises: databases with the schema and demo data, topics routable, a ready file.
 */
class LocalStackIT {

	@TempDir
	static Path workDir;

	static Process infra;

	static Properties ready;

	@BeforeAll
	static void startInfra() throws Exception {
		Path jar = Path.of("target", "local-stack.jar").toAbsolutePath();
		assertThat(jar).exists();
		Path readyFile = workDir.resolve("ready.properties");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		infra = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "infra", "--embedded-db=auto",
				"--namesrv-port=0", "--broker-port=0", "--proxy-port=0", "--work-dir=" + workDir,
				"--ready-file=" + readyFile, "--orders-db=it_local_orders", "--consumer-db=it_local_consumer",
				"--reset-db", "--die-with-parent", "--fast-shutdown")
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
			infra.destroy();
			if (!infra.waitFor(30, TimeUnit.SECONDS)) {
				infra.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void readyFileHasEveryKey() {
		assertThat(ready.stringPropertyNames()).containsExactlyInAnyOrder("namesrv", "proxy", "dbUrl", "dbUser",
				"dbPassword", "ordersDb", "consumerDb", "ordersJdbcUrl", "consumerJdbcUrl", "embeddedDb", "pid");
		assertThat(ready.getProperty("pid")).isEqualTo(String.valueOf(infra.pid()));
		assertThat(ready.getProperty("namesrv")).startsWith("127.0.0.1:");
		assertThat(ready.getProperty("proxy")).startsWith("127.0.0.1:");
		assertThat(ready.getProperty("ordersJdbcUrl")).contains("/it_local_orders?");
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
			for (String topic : List.of("order-events", "inventory-events")) {
				TopicRouteData route = admin.examineTopicRouteInfo(topic);
				assertThat(route.getQueueDatas()).singleElement()
					.satisfies((queues) -> assertThat(queues.getWriteQueueNums()).isEqualTo(4));
				assertThat(route.getBrokerDatas()).singleElement()
					.satisfies((broker) -> assertThat(broker.getBrokerAddrs().get(0L)).startsWith("127.0.0.1:"));
			}
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
