package io.txorders.messaging.schema;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * The kit's tables ({@code sql/messaging}, packaged as {@code db/messaging}), migrated by
 * a Flyway of their own: their history is {@value #HISTORY_TABLE}, so the application's
 * own Flyway (default history table) migrates its tables in the same database without
 * seeing the kit's versions. The auto-configuration runs it when the application starts,
 * before anything uses the tables, unless {@code txorders.messaging.schema.migrate}
 * (default: {@code spring.flyway.enabled}) is false.
 * <p>
 * A database may already hold tables: the application's, or every table made by the plain
 * scripts before there was a history. The history then starts with a baseline at version
 * 0, below V1, and V1 (every statement idempotent) runs over what is there.
 */
public final class MessagingSchema implements InitializingBean {

	/** Where the kit's migrations are packaged. */
	public static final String LOCATION = "classpath:db/messaging";

	/** The kit's schema history, beside the application's. */
	public static final String HISTORY_TABLE = "messaging_schema_history";

	private static final Logger logger = LoggerFactory.getLogger(MessagingSchema.class);

	private final DataSource dataSource;

	public MessagingSchema(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/**
	 * The kit's Flyway on a database, as the application runs it.
	 * @param dataSource the database
	 * @return the Flyway instance, not yet run
	 */
	public static Flyway flyway(DataSource dataSource) {
		return Flyway.configure(MessagingSchema.class.getClassLoader())
			.dataSource(dataSource)
			.locations(LOCATION)
			.table(HISTORY_TABLE)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			// Plain MySQL files a DBA can run with the mysql client: nothing is replaced.
			.placeholderReplacement(false)
			.load();
	}

	@Override
	public void afterPropertiesSet() {
		MigrateResult result = flyway(this.dataSource).migrate();
		logger.info("the kit's tables are at version {} ({} migrations applied now)",
				(result.targetSchemaVersion != null) ? result.targetSchemaVersion : result.initialSchemaVersion,
				result.migrationsExecuted);
	}

}
