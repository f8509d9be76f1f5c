package io.txorders.messaging.schema;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;

/**
 * Makes {@link MessagingSchema} a database initializer: beans that use the database
 * (JdbcTemplate, the kit's own) wait for it, and, ordered before Boot's Flyway detectors,
 * the application's migrations run after the kit's.
 */
public final class MessagingSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(MessagingSchema.class);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
