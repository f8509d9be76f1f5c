package io.txorders.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static io.txorders.deploy.ComposeDriftTest.list;
import static io.txorders.deploy.ComposeDriftTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who migrates the schema: every database an app uses is migrated by the app that owns it
 * (Flyway, from the scripts of sql/ packaged into its jar), or the app says it does not;
 * deploy/local migrates with the same settings; compose's MySQL init creates the
 * databases only; neither compose nor k8s turns migration off, and only compose adds the
 * demo rows.
 */
class SchemaMigrationDriftTest {

	private static final Pattern DATABASE = Pattern.compile("jdbc:mysql://[^/]+/(\\w+)");

	@Test
	void everyAppThatUsesADatabaseMigratesItOrSaysItDoesNot() {
		Set<String> migrated = new TreeSet<>();
		for (String app : Repo.APPS) {
			String database = database(app);
			Map<String, Object> flyway = flyway(app);
			if (flyway.isEmpty()) {
				assertThat(map(map(map(application(app).get("txorders")).get("messaging")).get("schema")))
					.as(app + ": no spring.flyway, so the kit's migration must be off too")
					.containsEntry("migrate", false);
				continue;
			}
			migrated.add(database);
			assertThat(flyway).as(app)
				.containsEntry("enabled", "${DB_MIGRATE:true}")
				.containsEntry("locations", "${DB_MIGRATION_LOCATIONS:classpath:db/" + database + "}");
			String pom = Repo.read(app + "/pom.xml");
			assertThat(pom).as(app + "/pom.xml")
				.contains("<artifactId>spring-boot-starter-flyway</artifactId>",
						"<artifactId>flyway-mysql</artifactId>")
				.containsPattern(packaged("sql/" + database, "db/" + database))
				.containsPattern(packaged("sql/demo/" + database, "db/demo/" + database));
		}
		Set<String> used = new TreeSet<>();
		Repo.APPS.forEach((app) -> used.add(database(app)));
		assertThat(migrated).as("every database is migrated by its owner").isEqualTo(used);
		used.forEach((database) -> assertThat(Repo.path("sql/" + database)).isDirectory());
	}

	@Test
	void theAppsTheKitAndDeployLocalMigrateWithTheSameSettings() {
		String local = Repo.read("deploy/local/src/main/java/io/txorders/local/Migrations.java");
		String kit = Repo
			.read("transactional-messaging/src/main/java/io/txorders/messaging/schema/MessagingSchema.java");
		for (String source : List.of(local, kit)) {
			assertThat(source).contains(".baselineOnMigrate(true)", ".baselineVersion(\"0\")",
					".placeholderReplacement(false)");
		}
		assertThat(constant(local, "MESSAGING_HISTORY")).isEqualTo(constant(kit, "HISTORY_TABLE"));
		assertThat(constant(kit, "LOCATION")).isEqualTo("classpath:db/messaging");
		assertThat(Repo.read("transactional-messaging/pom.xml"))
			.containsPattern(packaged("sql/messaging", "db/messaging"));
		assertThat(local).contains("\"*:future\", \"repeatable:missing\"");
		for (String app : Repo.APPS) {
			Map<String, Object> flyway = flyway(app);
			if (!flyway.isEmpty()) {
				assertThat(flyway).as(app)
					.containsEntry("baseline-on-migrate", true)
					.containsEntry("baseline-version", 0)
					.containsEntry("placeholder-replacement", false)
					.containsEntry("ignore-migration-patterns", "*:future,repeatable:missing");
			}
		}
	}

	@Test
	void composeCreatesTheDatabasesOnlyAndTheAppsMigrateThemWithTheDemoRows() {
		String init = Repo.read("deploy/compose/mysql-init/00-create-databases.sh");
		assertThat(init).as("the MySQL init applies no script").doesNotContain(".sql", "< ");
		Map<String, Object> mysql = ComposeDriftTest.service("mysql");
		assertThat(list(mysql.get("volumes"))).as("the repo's sql/ mounted into MySQL")
			.noneMatch((volume) -> volume.toString().matches("(.*/)?sql(/.*)?:.*"));
		ComposeDriftTest.appServices().forEach((service, module) -> {
			Map<String, String> environment = ComposeDriftTest.environment(service);
			assertThat(environment).as(service).doesNotContainKey("DB_MIGRATE");
			if (flyway(module).isEmpty()) {
				assertThat(environment).as(service).doesNotContainKey("DB_MIGRATION_LOCATIONS");
				return;
			}
			String database = database(module);
			assertThat(environment).as(service)
				.containsEntry("DB_MIGRATION_LOCATIONS", "classpath:db/" + database + ",classpath:db/demo/" + database);
		});
	}

	@Test
	void kubernetesMigratesAtStartWithoutDemoRows() {
		Map<String, String> configMap = new TreeMap<>();
		for (Map<String, Object> document : Repo.yamlDocuments("deploy/k8s/configmap.yaml")) {
			map(document.get("data")).forEach((name, value) -> configMap.put(name, String.valueOf(value)));
		}
		assertThat(configMap).containsEntry("DB_MIGRATE", "true").doesNotContainKey("DB_MIGRATION_LOCATIONS");
		for (Object resource : list(Repo.yamlFile("deploy/k8s/kustomization.yaml").get("resources"))) {
			assertThat(Repo.read("deploy/k8s/" + resource)).as(resource.toString()).doesNotContain("db/demo");
		}
	}

	private static Map<String, Object> application(String app) {
		return Repo.yamlFile(app + "/src/main/resources/application.yml");
	}

	private static Map<String, Object> flyway(String app) {
		return map(map(application(app).get("spring")).get("flyway"));
	}

	/** The database of the app's own datasource, from its URL's default. */
	private static String database(String app) {
		String url = String.valueOf(map(map(application(app).get("spring")).get("datasource")).get("url"));
		Matcher matcher = DATABASE.matcher(url);
		assertThat(matcher.find()).as(app + " datasource url " + url).isTrue();
		return matcher.group(1);
	}

	/** A Maven resource of {@code ../<directory>} with {@code <targetPath>target}. */
	private static Pattern packaged(String directory, String target) {
		return Pattern.compile("<directory>\\$\\{project.basedir}/\\.\\./" + Pattern.quote(directory)
				+ "</directory>\\s*<targetPath>" + Pattern.quote(target) + "</targetPath>");
	}

	private static String constant(String source, String name) {
		Matcher matcher = Pattern.compile("static final String " + name + " = \"([^\"]+)\"").matcher(source);
		assertThat(matcher.find()).as(name).isTrue();
		return matcher.group(1);
	}

}
