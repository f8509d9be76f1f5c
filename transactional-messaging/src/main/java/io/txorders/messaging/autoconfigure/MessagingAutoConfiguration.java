package io.txorders.messaging.autoconfigure;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.messaging.admin.HalfMessageAdminController;
import io.txorders.messaging.admin.OnAdminCredentials;
import io.txorders.messaging.admin.OutboxAdminController;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.broker.BrokerWatch;
import io.txorders.messaging.broker.ProxyWatch;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.EffectRows;
import io.txorders.messaging.consume.EventConsumers;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.halves.HalfMessages;
import io.txorders.messaging.outbox.OutboxRelay;
import io.txorders.messaging.outbox.OutboxRows;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.messaging.schema.MessagingSchema;
import io.txorders.messaging.spi.MessagingProbe;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Wires the kit from {@link MessagingProperties}: the kit's tables migrated
 * ({@link MessagingSchema}), the barrier on the application's database, the transactional
 * publisher when a producer group is set, the exactly-once consumer skeleton, a push
 * consumer per {@link EventConsumers.Subscription} bean, and the broker watch. Every
 * {@link MessagingProbe} bean (tests, fault and benchmark hooks; none in production) is
 * combined into the one probe the kit calls.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"io.txorders.messaging.faults.FaultHooks" })
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(MessagingProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class MessagingAutoConfiguration {

	/** The kit's tables, migrated before any bean that uses the database is created. */
	@Bean
	@Conditional(MigrateSchema.class)
	MessagingSchema messagingSchema(DataSource dataSource) {
		return new MessagingSchema(dataSource);
	}

	@Bean
	@DependsOnDatabaseInitialization
	TransactionBarrier transactionBarrier(DataSource dataSource, MessagingProperties properties, MeterRegistry meters,
			Environment environment) {
		TransactionBarrier barrier = new TransactionBarrier(dataSource, properties.checkbackLockWait(), meters);
		String answerer = properties.producer().answerer();
		barrier.answers()
			.setInstance(
					StringUtils.hasText(answerer) ? answerer : environment.getProperty("spring.application.name", "app")
							+ "-" + ManagementFactory.getRuntimeMXBean().getName());
		return barrier;
	}

	@Bean
	@DependsOnDatabaseInitialization
	OutboxRows outboxRows(DataSource dataSource) {
		return new OutboxRows(dataSource);
	}

	@Bean
	@ConditionalOnProperty("txorders.messaging.producer.group")
	PublisherLifecycle transactionalPublisher(MessagingProperties properties, TransactionBarrier barrier,
			TransactionTemplate transactions, ObjectProvider<MessagingProbe> probes, MeterRegistry meters,
			OutboxRows outboxRows) {
		MessagingProperties.Producer producer = properties.producer();
		MessagingProperties.Outbox outbox = properties.outbox();
		return new PublisherLifecycle(new TransactionalPublisher(
				new TransactionalPublisher.Settings(properties.broker(), producer.group(), producer.topics(),
						properties.requestTimeout(), producer.checkThreads()),
				barrier, transactions, Probes.combine(probes), meters,
				new TransactionalPublisher.Outbox(outboxRows, outbox.mode(), outbox.breakerOpenFor())));
	}

	/**
	 * The relay of the local message table, in every member of the producer group unless
	 * {@code txorders.messaging.outbox.relay.enabled} is false.
	 */
	@Bean
	@ConditionalOnProperty(name = { "txorders.messaging.producer.group" })
	@ConditionalOnProperty(name = "txorders.messaging.outbox.relay.enabled", matchIfMissing = true)
	RelayLifecycle outboxRelay(OutboxRows rows, PublisherLifecycle publisher, TransactionBarrier barrier,
			ObjectProvider<MessagingProbe> probes, MeterRegistry meters, MessagingProperties properties) {
		MessagingProperties.Relay relay = properties.outbox().relay();
		return new RelayLifecycle(new OutboxRelay(rows, publisher.publisher, barrier, Probes.combine(probes), meters,
				new OutboxRelay.Settings(relay.threads(), relay.batch(), relay.pollInterval(), relay.lease(),
						relay.firstRetry(), relay.maxRetryWait())));
	}

	/** Started and stopped by its lifecycle above, not as a bean. */
	@Bean(destroyMethod = "")
	@ConditionalOnBean(RelayLifecycle.class)
	OutboxRelay relay(RelayLifecycle lifecycle) {
		return lifecycle.relay;
	}

	/** Started and stopped by its lifecycle above, not as a bean. */
	@Bean(destroyMethod = "")
	@ConditionalOnProperty("txorders.messaging.producer.group")
	TransactionalPublisher publisher(PublisherLifecycle lifecycle) {
		return lifecycle.publisher;
	}

	/**
	 * The local message table on the admin surface ({@code /admin/api/outbox}), in a web
	 * application that publishes and has admin credentials.
	 */
	@Bean
	@ConditionalOnWebApplication
	@Conditional(OnAdminCredentials.class)
	@ConditionalOnProperty("txorders.messaging.producer.group")
	OutboxAdminController outboxAdminController(OutboxRows rows, TransactionalPublisher publisher,
			ObjectProvider<OutboxRelay> relay) {
		return new OutboxAdminController(rows, publisher, relay);
	}

	/**
	 * The broker's open and discarded half messages of this application's producer group
	 * ({@code /admin/api/half-messages}), read over remoting from the NameServer's broker
	 * groups, in a web application that publishes and has admin credentials.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnWebApplication
	@Conditional(OnAdminCredentials.class)
	@ConditionalOnProperty({ "txorders.messaging.producer.group", "txorders.messaging.name-server" })
	@DependsOnDatabaseInitialization
	HalfMessages halfMessages(MessagingProperties properties, TransactionBarrier barrier, DataSource dataSource) {
		return new HalfMessages(
				new HalfMessages.Settings(properties.nameServer(), Set.of(properties.producer().group()),
						properties.requestTimeout(), HalfMessages.MAX_SCAN, barrier.answers().instance()),
				barrier, dataSource);
	}

	@Bean
	@ConditionalOnBean(HalfMessages.class)
	HalfMessageAdminController halfMessageAdminController(HalfMessages halves) {
		return new HalfMessageAdminController(halves);
	}

	@Bean
	@DependsOnDatabaseInitialization
	DuplicateMessageDetector duplicateMessageDetector(DataSource dataSource, ObjectProvider<MessagingProbe> probes) {
		return new DuplicateMessageDetector(new JdbcTemplate(dataSource), Probes.combine(probes));
	}

	@Bean
	@DependsOnDatabaseInitialization
	EffectRows effectRows(DataSource dataSource) {
		return new EffectRows(new JdbcTemplate(dataSource));
	}

	@Bean
	ExactlyOnce exactlyOnce(EffectRows effects, DuplicateMessageDetector dedupe, TransactionTemplate transactions,
			MeterRegistry meters) {
		return new ExactlyOnce(effects, dedupe, transactions, meters);
	}

	@Bean
	@ConditionalOnBean(EventConsumers.Subscription.class)
	EventConsumers eventConsumers(MessagingProperties properties, List<EventConsumers.Subscription> subscriptions,
			JsonMapper json, ObjectProvider<MessagingProbe> probes, MeterRegistry meters) {
		return new EventConsumers(properties.broker(), properties.requestTimeout(), subscriptions, json,
				Probes.combine(probes), meters);
	}

	/**
	 * Health component {@code rocketmq} (the NameServer answers, the topics have a route)
	 * and the groups' lag and dead letters, refreshed on a schedule; on either transport,
	 * whenever a NameServer is known.
	 */
	@Bean(name = "rocketmqHealthIndicator", initMethod = "start", destroyMethod = "stop")
	@Conditional(OnNameServer.class)
	BrokerWatch rocketmqHealthIndicator(MessagingProperties properties, MeterRegistry meters) {
		MessagingProperties.BrokerWatch watch = properties.brokerWatch();
		return new BrokerWatch(properties.nameServer(), watch.topics(), watch.groups(), watch.interval(),
				watch.timeout(), meters);
	}

	/**
	 * Health component {@code rocketmq} of a gRPC-only process (no NameServer): every
	 * proxy endpoint accepts connections.
	 */
	@Bean(name = "rocketmqHealthIndicator", initMethod = "start", destroyMethod = "stop")
	@Conditional(OnProxyOnly.class)
	ProxyWatch rocketmqProxyHealthIndicator(MessagingProperties properties, MeterRegistry meters) {
		MessagingProperties.BrokerWatch watch = properties.brokerWatch();
		return new ProxyWatch(properties.endpoints(), watch.interval(), watch.timeout(), meters);
	}

	/** Proxy endpoints are set, and no NameServer address. */
	static final class OnProxyOnly extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			boolean proxyOnly = StringUtils.hasText(environment.getProperty("txorders.messaging.endpoints"))
					&& !StringUtils.hasText(environment.getProperty("txorders.messaging.name-server"));
			return new ConditionOutcome(proxyOnly, "gRPC proxy endpoints and no NameServer: " + proxyOnly);
		}

	}

	/** A NameServer address is set and not empty. */
	static final class OnNameServer extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String nameServer = context.getEnvironment().getProperty("txorders.messaging.name-server");
			return new ConditionOutcome(StringUtils.hasText(nameServer),
					"txorders.messaging.name-server is '" + ((nameServer != null) ? nameServer : "") + "'");
		}

	}

	/**
	 * {@code txorders.messaging.schema.migrate} if set, else
	 * {@code spring.flyway.enabled} (default true): one switch turns off both the kit's
	 * migration and the application's for a database a DBA migrates by hand.
	 */
	static final class MigrateSchema extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			String setting = environment.containsProperty("txorders.messaging.schema.migrate")
					? "txorders.messaging.schema.migrate" : "spring.flyway.enabled";
			boolean migrate = environment.getProperty(setting, Boolean.class, true);
			return new ConditionOutcome(migrate, "the kit's tables are migrated: " + setting + "=" + migrate);
		}

	}

	/**
	 * Starts the relay after the publisher it publishes through, and stops it before.
	 */
	static final class RelayLifecycle extends Phased {

		private final OutboxRelay relay;

		RelayLifecycle(OutboxRelay relay) {
			super(SmartLifecycle.DEFAULT_PHASE - 2048, relay::start, relay::stop);
			this.relay = relay;
		}

	}

	/**
	 * Starts the publisher before the web server takes requests and stops it after the
	 * consumers (whose handlers may publish) have stopped.
	 */
	static final class PublisherLifecycle extends Phased {

		private final TransactionalPublisher publisher;

		PublisherLifecycle(TransactionalPublisher publisher) {
			super(SmartLifecycle.DEFAULT_PHASE - 4096, publisher::start, publisher::shutdown);
			this.publisher = publisher;
		}

	}

	/** Something the kit starts and stops in a phase of its own. */
	abstract static class Phased implements SmartLifecycle {

		private final int phase;

		private final Runnable start;

		private final Runnable stop;

		private volatile boolean running;

		Phased(int phase, Runnable start, Runnable stop) {
			this.phase = phase;
			this.start = start;
			this.stop = stop;
		}

		@Override
		public void start() {
			this.start.run();
			this.running = true;
		}

		@Override
		public void stop() {
			this.stop.run();
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
