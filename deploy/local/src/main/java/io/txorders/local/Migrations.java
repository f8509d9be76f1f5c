package io.txorders.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The repo's {@code sql/} folder, packaged into the jar, as the Flyway migrations the
 * apps run: the kit's ({@code sql/messaging}, history {@value #MESSAGING_HISTORY}), then
 * the database's own ({@code sql/<database>}, Flyway's default history), with the demo
 * rows ({@code sql/demo/<database>}). The settings are the apps' (their application.yml,
 * the kit's {@code MessagingSchema}; deploy/tests checks they agree), so an app finds the
 * database already at its latest version. With {@code --sql-dir} the scripts are read
 * from that folder instead, so tests always apply them as they are in the tree.
 */
final class Migrations {

	static final String DIR_PROPERTY = "local.stack.sql.dir";

	/** The transactional-messaging kit's tables, migrated in every database first. */
	static final String MESSAGING = "messaging";

	/** The kit's schema history table. */
	static final String MESSAGING_HISTORY = "messaging_schema_history";

	private Migrations() {
	}

	/**
	 * The kit's Flyway on one database.
	 * @param jdbcUrl the database
	 * @param user the user
	 * @param password the password
	 * @return the Flyway instance, not yet run
	 */
	static Flyway kit(String jdbcUrl, String user, String password) {
		return common(jdbcUrl, user, password).locations(location(MESSAGING)).table(MESSAGING_HISTORY).load();
	}

	/**
	 * The app's Flyway on its database: its folder, and the demo rows if asked for.
	 * @param jdbcUrl the database
	 * @param user the user
	 * @param password the password
	 * @param folder the folder under {@code sql/}: orders or consumer
	 * @param demo with the repeatable migrations of {@code sql/demo/<folder>}
	 * @return the Flyway instance, not yet run
	 */
	static Flyway app(String jdbcUrl, String user, String password, String folder, boolean demo) {
		List<String> locations = new ArrayList<>(List.of(location(folder)));
		if (demo) {
			locations.add(location("demo/" + folder));
		}
		return common(jdbcUrl, user, password).locations(locations.toArray(String[]::new))
			// As the apps: demo rows applied here need not be known to an app that
			// starts without them.
			.ignoreMigrationPatterns("*:future", "repeatable:missing")
			.load();
	}

	private static FluentConfiguration common(String jdbcUrl, String user, String password) {
		return Flyway.configure(Migrations.class.getClassLoader())
			.dataSource(jdbcUrl, user, password)
			// A database made by the plain scripts before there was a history (or
			// holding the other history's tables) starts at a baseline below V1.
			.baselineOnMigrate(true)
			.baselineVersion("0")
			// Plain MySQL files a DBA can run with the mysql client: nothing is replaced.
			.placeholderReplacement(false);
	}

	/**
	 * Where Flyway reads {@code sql/<folder>}: {@code --sql-dir}'s, else the jar's.
	 * @param folder the folder under {@code sql/}
	 * @return a Flyway location
	 */
	static String location(String folder) {
		String dir = System.getProperty(DIR_PROPERTY);
		return (dir != null) ? "filesystem:" + Path.of(dir, folder) : "classpath:sql/" + folder;
	}

	/**
	 * The scripts of one folder, in name order, to check that the folder is there.
	 * @param folder the folder under {@code sql/}
	 * @return its {@code .sql} files
	 */
	static List<Resource> forDatabase(String folder) throws IOException {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
				Migrations.class.getClassLoader());
		String dir = System.getProperty(DIR_PROPERTY);
		Resource[] found = resolver.getResources(
				(dir != null) ? "file:" + dir + "/" + folder + "/*.sql" : "classpath*:sql/" + folder + "/*.sql");
		// Keyed by file name: the same script seen twice on the classpath is
		// listed once.
		Map<String, Resource> byName = new TreeMap<>();
		for (Resource resource : found) {
			String name = resource.getFilename();
			if (name != null) {
				byName.putIfAbsent(name, resource);
			}
		}
		return List.copyOf(byName.values());
	}

}
