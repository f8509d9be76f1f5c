package io.txorders.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static io.txorders.deploy.ComposeDriftTest.list;
import static io.txorders.deploy.ComposeDriftTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s against the apps: variables (ConfigMap, Secret, per container), ports,
 * probes, images, grace periods; the Secret itself stays out of the kustomization.
 */
class KubernetesDriftTest {

	private static final Map<String, Object> kustomization = Repo.yamlFile("deploy/k8s/kustomization.yaml");

	@Test
	void everyContainerGetsOnlyVariablesItsApplicationReadsAndEveryOneItNeeds() {
		Map<String, String> configMap = data(only("ConfigMap"), "data");
		List<String> problems = new ArrayList<>(
				DriftChecks.environment("ConfigMap txorders-config", configMap, Map.of(), Repo.allEnvironment()));
		Map<String, String> secret = data(secretExample(), "stringData");
		for (Map<String, Object> deployment : all("Deployment")) {
			String module = module(deployment);
			Map<String, String> set = new TreeMap<>(configMap);
			set.putAll(secret);
			set.putAll(env(container(deployment)));
			Map<String, String> reads = Repo.environment(module);
			env(container(deployment)).keySet()
				.stream()
				.filter(variable -> !reads.containsKey(variable) && !Repo.PLATFORM_VARIABLES.contains(variable))
				.forEach(variable -> problems.add("Deployment " + name(deployment) + " sets " + variable
						+ ", which its application.yml does not read"));
			problems.addAll(DriftChecks.environment("Deployment " + name(deployment) + " with ConfigMap and Secret",
					set, reads, Repo.allEnvironment()));
		}
		assertThat(problems).isEmpty();
		assertThat(configMap.get("SERVER_ADDRESS")).isEqualTo("0.0.0.0");
	}

	@Test
	void theCustomerApisAcceptTheSameTokens() {
		Map<String, String> configMap = data(only("ConfigMap"), "data");
		Map<String, Map<String, String>> tokenSettings = new TreeMap<>();
		for (Map<String, Object> deployment : all("Deployment")) {
			if (Repo.environment(module(deployment)).containsKey("JWT_ISSUER")) {
				Map<String, String> jwt = new TreeMap<>(configMap);
				jwt.putAll(env(container(deployment)));
				jwt.keySet().removeIf((name) -> !name.startsWith("JWT_"));
				tokenSettings.put(name(deployment), jwt);
			}
		}
		assertThat(tokenSettings.keySet()).contains("producer-service", "consumer-service");
		assertThat(new HashSet<>(tokenSettings.values())).as("JWT_* of " + tokenSettings.keySet())
			.hasSize(1)
			.allSatisfy((jwt) -> assertThat(jwt).containsKeys("JWT_ISSUER", "JWT_AUDIENCES"));
	}

	@Test
	void everyAppIsDeployedWithTheImageJibBuilds() {
		List<String> modules = all("Deployment").stream().map(KubernetesDriftTest::module).toList();
		assertThat(modules).containsExactlyInAnyOrderElementsOf(Repo.APPS);
	}

	@Test
	void portsProbesAndServicesMatchTheAppsServerPort() {
		for (Map<String, Object> deployment : all("Deployment")) {
			Map<String, Object> container = container(deployment);
			String port = env(container).get("SERVER_PORT");
			assertThat(port).as(name(deployment) + " SERVER_PORT").isNotNull();
			Map<String, Object> http = map(list(container.get("ports")).get(0));
			assertThat(http).containsEntry("name", "http").containsEntry("containerPort", Integer.parseInt(port));
			assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
			assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
			assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("port")).isEqualTo("http");
			assertThat(map(map(map(map(deployment.get("spec")).get("template")).get("metadata")).get("annotations")))
				.containsEntry("prometheus.io/port", port)
				.containsEntry("prometheus.io/path", "/actuator/prometheus");
			Map<String, Object> service = all("Service").stream()
				.filter(candidate -> name(candidate).equals(name(deployment)))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no Service " + name(deployment)));
			Map<String, Object> servicePort = map(list(map(service.get("spec")).get("ports")).get(0));
			assertThat(servicePort).containsEntry("port", Integer.parseInt(port)).containsEntry("targetPort", "http");
			assertThat(map(map(container.get("resources")).get("limits"))).containsKeys("memory", "cpu");
			assertThat(env(container).get("JAVA_TOOL_OPTIONS")).contains("-Xmx");
		}
	}

	@Test
	void theAppsExposeTheProbesAndShutDownWithinTheGracePeriod() {
		for (String app : Repo.APPS) {
			Map<String, Object> management = map(
					Repo.yamlFile(app + "/src/main/resources/application.yml").get("management"));
			Map<String, Object> health = map(map(management.get("endpoint")).get("health"));
			assertThat(map(health.get("probes"))).as(app).containsEntry("enabled", true);
		}
		assertThat(map(Repo.yamlFile("producer-service/src/main/resources/application.yml").get("server")))
			.containsEntry("shutdown", "graceful");
		// Boot's graceful phase is 30 s, after which consumer-service's push consumers
		// wait up to 15 s for the messages they are applying.
		assertThat(gracePeriod("producer-service")).isGreaterThanOrEqualTo(35);
		assertThat(gracePeriod("consumer-service")).isGreaterThanOrEqualTo(45);
	}

	@Test
	void consumerServiceScalesAndTheSecretIsOnlyAnExample() {
		Map<String, Object> hpa = only("HorizontalPodAutoscaler");
		assertThat(map(map(hpa.get("spec")).get("scaleTargetRef"))).containsEntry("kind", "Deployment")
			.containsEntry("name", "consumer-service");
		assertThat(list(kustomization.get("resources"))).noneMatch(resource -> resource.toString().contains("secret"));
		for (Map<String, Object> deployment : all("Deployment")) {
			assertThat(list(container(deployment).get("envFrom"))).anySatisfy(
					from -> assertThat(map(map(from).get("secretRef"))).containsEntry("name", name(secretExample())));
		}
	}

	private static int gracePeriod(String deployment) {
		Map<String, Object> found = all("Deployment").stream()
			.filter(candidate -> name(candidate).equals(deployment))
			.findFirst()
			.orElseThrow();
		return (Integer) map(map(map(found.get("spec")).get("template")).get("spec"))
			.get("terminationGracePeriodSeconds");
	}

	private static String probePath(Map<String, Object> container, String probe) {
		return String.valueOf(map(map(container.get(probe)).get("httpGet")).get("path"));
	}

	private static String module(Map<String, Object> deployment) {
		String image = String.valueOf(container(deployment).get("image"));
		String module = name(deployment);
		assertThat(image).as("image of " + module).isEqualTo(Repo.image(module));
		return module;
	}

	private static Map<String, Object> container(Map<String, Object> deployment) {
		List<Object> containers = list(
				map(map(map(deployment.get("spec")).get("template")).get("spec")).get("containers"));
		assertThat(containers).hasSize(1);
		return map(containers.get(0));
	}

	private static Map<String, String> env(Map<String, Object> container) {
		Map<String, String> env = new TreeMap<>();
		for (Object entry : list(container.get("env"))) {
			env.put(String.valueOf(map(entry).get("name")), String.valueOf(map(entry).get("value")));
		}
		return env;
	}

	private static Map<String, String> data(Map<String, Object> resource, String key) {
		Map<String, String> data = new TreeMap<>();
		map(resource.get(key)).forEach((name, value) -> data.put(name, String.valueOf(value)));
		return data;
	}

	private static String name(Map<String, Object> resource) {
		return String.valueOf(map(resource.get("metadata")).get("name"));
	}

	private static Map<String, Object> secretExample() {
		return Repo.yamlDocuments("deploy/k8s/secret.example.yaml").get(0);
	}

	private static Map<String, Object> only(String kind) {
		List<Map<String, Object>> found = all(kind);
		assertThat(found).as(kind).hasSize(1);
		return found.get(0);
	}

	private static List<Map<String, Object>> all(String kind) {
		List<Map<String, Object>> found = new ArrayList<>();
		for (Object resource : list(kustomization.get("resources"))) {
			for (Map<String, Object> document : Repo.yamlDocuments("deploy/k8s/" + resource)) {
				if (kind.equals(document.get("kind"))) {
					found.add(document);
				}
			}
		}
		return found;
	}

}
