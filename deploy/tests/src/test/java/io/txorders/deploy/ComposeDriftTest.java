package io.txorders.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/compose against the apps: their environment variables, ports, images, topics and
 * groups, and the broker's transaction timings.
 */
class ComposeDriftTest {

	private static final Map<String, Object> compose = Repo.yamlFile("deploy/compose/compose.yaml");

	@Test
	void everyAppServiceSetsOnlyVariablesItsApplicationReadsAndEveryOneItNeeds() {
		List<String> problems = new ArrayList<>();
		appServices().forEach((service, module) -> problems.addAll(DriftChecks.environment("compose service " + service,
				environment(service), Repo.environment(module), Map.of())));
		assertThat(problems).isEmpty();
	}

	@Test
	void theCustomerApisAcceptTheSameTokens() {
		Map<String, Map<String, String>> tokenSettings = new TreeMap<>();
		appServices().forEach((service, module) -> {
			if (Repo.environment(module).containsKey("JWT_ISSUER")) {
				Map<String, String> jwt = new TreeMap<>(environment(service));
				jwt.keySet().removeIf((name) -> !name.startsWith("JWT_"));
				tokenSettings.put(service, jwt);
				assertThat(list(service(service).get("volumes"))).as(service + " mounts the token key")
					.anySatisfy((volume) -> assertThat(volume.toString()).endsWith(":/txorders-jwt:ro"));
			}
		});
		assertThat(tokenSettings.keySet()).contains("producer-service-1", "consumer-service");
		assertThat(new HashSet<>(tokenSettings.values())).as("JWT_* of " + tokenSettings.keySet())
			.hasSize(1)
			.allSatisfy((jwt) -> assertThat(jwt).containsKey("JWT_ISSUER"));
	}

	@Test
	void everyAppRunsTheImageJibBuildsAndEveryAppRuns() {
		Map<String, String> apps = appServices();
		assertThat(new TreeSet<>(apps.values())).containsExactlyInAnyOrderElementsOf(Repo.APPS);
		apps.forEach((service, module) -> assertThat(service(service).get("image")).as(service)
			.isEqualTo(Repo.image(module)));
		assertThat(apps.values().stream().filter("producer-service"::equals)).as("two producer replicas").hasSize(2);
	}

	@Test
	void portsArePublishedOnLoopbackOnlyAndAppsListenOnTheirServerPort() {
		services().forEach((name, service) -> {
			for (Object port : list(service.get("ports"))) {
				assertThat(port.toString()).as(name + " publishes " + port).startsWith("127.0.0.1:");
			}
		});
		appServices().forEach((service, module) -> {
			String serverPort = environment(service).get("SERVER_PORT");
			assertThat(serverPort).as(service + " SERVER_PORT").isNotNull();
			for (Object port : list(service(service).get("ports"))) {
				assertThat(port.toString()).as(service).endsWith(":" + serverPort);
			}
			assertThat(environment(service).get("SERVER_ADDRESS")).as(service + " must listen beyond loopback")
				.isEqualTo("0.0.0.0");
			String healthcheck = String.valueOf(map(service(service).get("healthcheck")).get("test"));
			assertThat(healthcheck).as(service).contains("/actuator/health/readiness").contains("$$SERVER_PORT");
			assertThat(service(service)).as(service).containsKeys("restart", "stop_grace_period");
		});
	}

	@Test
	void prometheusScrapesEveryAppServiceOnItsPort() {
		Map<String, Object> prometheus = Repo.yamlFile("deploy/compose/prometheus/prometheus.yml");
		Set<String> targets = new TreeSet<>();
		for (Object job : list(prometheus.get("scrape_configs"))) {
			assertThat(map(job).get("metrics_path")).isEqualTo("/actuator/prometheus");
			for (Object config : list(map(job).get("static_configs"))) {
				list(map(config).get("targets")).forEach(target -> targets.add(target.toString()));
			}
		}
		Set<String> expected = new TreeSet<>();
		appServices().keySet()
			.forEach(service -> expected.add(service + ":" + environment(service).get("SERVER_PORT")));
		assertThat(targets).isEqualTo(expected);
		assertThat(list(prometheus.get("rule_files"))).contains("/etc/prometheus/alerts.yml");
	}

	@Test
	void theTopicsAndGroupsJobCreatesWhatDeployLocalAndTheAppsUse() {
		String script = Repo.read("deploy/compose/rocketmq/create-topics-and-groups.sh");
		assertThat(script).contains("+message.type=TRANSACTION").contains("updateSubGroup");
		assertThat(DriftChecks.topicsAndGroups("create-topics-and-groups.sh", words(script, "TOPICS"),
				words(script, "CONSUMER_GROUPS"), Integer.parseInt(shellValue(script, "MAX_RETRIES")),
				Repo.localStackList("transaction-topics"), Repo.localStackList("consumer-groups"),
				Repo.localStackInt("max-retries")))
			.isEmpty();
	}

	@Test
	void theBrokerAnswersFinishedTransactionsBeforeItChecksThem() throws IOException {
		Properties broker = new Properties();
		broker.load(new StringReader(Repo.read("deploy/compose/rocketmq/broker.conf")));
		assertThat(DriftChecks.brokerTimings("broker.conf", broker)).isEmpty();
	}

	/**
	 * Two broker groups, each its own service, config and store, registering its service
	 * name; the configs differ in name and address only; the topics job waits for both
	 * and the proxy and the job start after both.
	 */
	@Test
	void everyBrokerGroupHasItsOwnConfigAndStoreAndTheSameSettings() throws IOException {
		Map<String, Properties> groups = new TreeMap<>();
		Set<String> stores = new TreeSet<>();
		for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
			if (!String.valueOf(service.getValue().get("command")).contains("mqbroker")) {
				continue;
			}
			String name = service.getKey();
			String conf = null;
			for (Object volume : list(service.getValue().get("volumes"))) {
				String text = volume.toString();
				if (text.endsWith(":/home/rocketmq/conf/broker.conf:ro")) {
					conf = text.substring(0, text.indexOf(':'));
				}
				if (text.endsWith(":/home/rocketmq/store")) {
					stores.add(text.substring(0, text.indexOf(':')));
				}
			}
			assertThat(conf).as(name + " mounts its broker.conf").startsWith("./rocketmq/");
			Properties broker = new Properties();
			broker.load(new StringReader(Repo.read("deploy/compose/" + conf.substring(2))));
			assertThat(broker.getProperty("brokerIP1")).as(name + " registers its service name").isEqualTo(name);
			assertThat(DriftChecks.brokerTimings(conf, broker)).isEmpty();
			assertThat(groups.put(broker.getProperty("brokerName"), broker)).as("brokerName of " + name).isNull();
		}
		assertThat(groups.keySet()).containsExactly("broker-a", "broker-b");
		assertThat(stores).as("a store of its own for each").hasSize(groups.size());
		assertThat(map(compose.get("volumes")).keySet()).containsAll(stores);
		List<Map<Object, Object>> shared = new ArrayList<>();
		for (Properties broker : groups.values()) {
			Map<Object, Object> settings = new TreeMap<>(broker);
			settings.keySet().removeAll(Set.of("brokerName", "brokerIP1"));
			shared.add(settings);
		}
		assertThat(shared.get(1)).as("broker-b.conf against broker.conf").isEqualTo(shared.get(0));
		String script = Repo.read("deploy/compose/rocketmq/create-topics-and-groups.sh");
		assertThat(words(script, "BROKERS")).containsExactlyInAnyOrderElementsOf(groups.keySet());
		for (String service : List.of("proxy", "rocketmq-init")) {
			assertThat(map(service(service).get("depends_on")).keySet()).as(service + " starts after")
				.contains("broker", "broker-b");
		}
	}

	/**
	 * Dashboard 2.0.0 binds rocketmq.config.namesrvAddrs (its application.yml:
	 * 127.0.0.1:9876) and sets the NameServer from it, overwriting
	 * -Drocketmq.namesrv.addr: the setting that counts is the list.
	 */
	@Test
	void theDashboardReadsTheNameServerTheAppsUse() {
		Map<String, String> dashboard = environment("dashboard");
		String nameServer = environment("checkback").get("ROCKETMQ_NAMESRV");
		assertThat(dashboard.get("JAVA_OPTS")).contains("-Drocketmq.config.namesrvAddrs=" + nameServer + " ")
			.doesNotContain("-Drocketmq.namesrv.addr");
		assertThat(dashboard.get("ROCKETMQ_CONFIG_NAMESRVADDRS")).isEqualTo(nameServer);
	}

	@Test
	void mysqlGetsBothDatabasesTheAppsConnectTo() {
		String init = Repo.read("deploy/compose/mysql-init/00-create-databases.sh");
		Matcher databases = Pattern.compile("for db in ([a-z ]+); do").matcher(init);
		assertThat(databases.find()).isTrue();
		Set<String> created = new TreeSet<>(List.of(databases.group(1).trim().split(" ")));
		Set<String> used = new TreeSet<>();
		appServices().keySet().forEach(service -> environment(service).forEach((name, value) -> {
			if (name.endsWith("_DB_URL")) {
				Matcher db = Pattern.compile("jdbc:mysql://mysql:3306/(\\w+)").matcher(value);
				assertThat(db.find()).as(service + " " + name).isTrue();
				used.add(db.group(1));
			}
		}));
		assertThat(created).isEqualTo(used);
		created.forEach(db -> assertThat(Repo.path("sql/" + db)).isDirectory());
	}

	@Test
	void everyVariableComposeTakesFromTheEnvFileIsInTheExample() {
		String example = Repo.read("deploy/compose/.env.example");
		Matcher matcher = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(Repo.read("deploy/compose/compose.yaml"));
		Set<String> variables = new TreeSet<>();
		while (matcher.find()) {
			variables.add(matcher.group(1));
		}
		assertThat(variables).isNotEmpty()
			.allSatisfy(name -> assertThat(example).as(".env.example").containsPattern("(?m)^" + name + "="));
		appServices().keySet()
			.forEach(service -> assertThat(environment(service).get("DB_PASSWORD")).as(service)
				.startsWith("${DB_PASSWORD"));
	}

	// The checks report drift on either side.

	@Test
	void aVariableNoAppReadsIsReported() {
		Map<String, String> set = new LinkedHashMap<>(environment("checkback"));
		set.put("CHECKBACK_TREADS", "4");
		assertThat(DriftChecks.environment("checkback", set, Repo.environment("checkback"), Map.of()))
			.anySatisfy(problem -> assertThat(problem).contains("CHECKBACK_TREADS"));
	}

	@Test
	void aVariableTheAppStartsToNeedIsReported() {
		Map<String, String> reads = new TreeMap<>(Repo.environment("checkback"));
		reads.put("AUDIT_DB_URL", "jdbc:mysql://127.0.0.1:3306/audit");
		assertThat(DriftChecks.environment("checkback", environment("checkback"), reads, Map.of()))
			.anySatisfy(problem -> assertThat(problem).contains("does not set AUDIT_DB_URL"));
	}

	@Test
	void aRenamedTopicOrGroupIsReported() {
		Map<String, String> set = new LinkedHashMap<>(environment("consumer-service"));
		set.put("INVENTORY_GROUP", "stock");
		assertThat(DriftChecks.environment("consumer-service", set, Repo.environment("consumer-service"), Map.of()))
			.isNotEmpty();
		Map<String, String> reads = new TreeMap<>(Repo.environment("consumer-service"));
		reads.put("POINTS_GROUP", "loyalty");
		assertThat(DriftChecks.environment("consumer-service", environment("consumer-service"), reads, Map.of()))
			.isNotEmpty();
		assertThat(DriftChecks.topicsAndGroups("job", List.of("order-events"), List.of("inventory", "points"), 16,
				Repo.localStackList("transaction-topics"), Repo.localStackList("consumer-groups"), 16))
			.hasSize(5);
	}

	@Test
	void anOpBatchIntervalCloseToTheTimeoutIsReported() {
		Properties broker = new Properties();
		broker.setProperty("transactionTimeOut", "1000");
		broker.setProperty("transactionOpBatchInterval", "3000");
		broker.setProperty("transactionCheckInterval", "30000");
		broker.setProperty("transactionCheckMax", "15");
		broker.setProperty("autoCreateTopicEnable", "false");
		assertThat(DriftChecks.brokerTimings("broker.conf", broker)).hasSize(1);
	}

	static Map<String, String> appServices() {
		Map<String, String> apps = new TreeMap<>();
		services().forEach((name, service) -> {
			String image = String.valueOf(service.get("image"));
			if (image.startsWith("txorders/")) {
				apps.put(name, image.substring("txorders/".length(), image.indexOf(':')));
			}
		});
		return apps;
	}

	static Map<String, String> environment(String service) {
		Map<String, String> environment = new TreeMap<>();
		map(service(service).get("environment")).forEach((name, value) -> environment.put(name, String.valueOf(value)));
		return environment;
	}

	static Map<String, Object> service(String name) {
		Map<String, Object> service = services().get(name);
		assertThat(service).as("compose service " + name).isNotNull();
		return service;
	}

	static Map<String, Map<String, Object>> services() {
		Map<String, Map<String, Object>> services = new TreeMap<>();
		map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
		return services;
	}

	private static List<String> words(String script, String variable) {
		return List.of(shellValue(script, variable).split(" "));
	}

	private static String shellValue(String script, String variable) {
		Matcher matcher = Pattern.compile("(?m)^" + variable + "=\"?([^\"\\n]*)\"?$").matcher(script);
		assertThat(matcher.find()).as(variable + " in the script").isTrue();
		return matcher.group(1);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		return (value != null) ? (Map<String, Object>) value : Map.of();
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		return (value != null) ? (List<Object>) value : List.of();
	}

}
