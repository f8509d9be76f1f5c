package io.txorders.messaging.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.broker.BrokerWatch;
import io.txorders.messaging.broker.ProxyWatch;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.EffectRows;
import io.txorders.messaging.consume.EventConsumers;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.faults.FaultHooks;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.outbox.OutboxMode;
import io.txorders.messaging.outbox.OutboxRelay;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.messaging.schema.MessagingSchema;
import io.txorders.messaging.spi.MessagingProbe;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.junit.jupiter.api.Test;
import org.mockito.MockedConstruction;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockConstruction;
import static org.mockito.Mockito.never;

/**
 * What an application gets from the kit's auto-configuration: the barrier and the
 * exactly-once consumer skeleton wherever there is a database, a transactional publisher
 * only when a producer group is set. The producer the publisher builds is intercepted:
 * nothing here reaches a broker.
 */
class MessagingAutoConfigurationTest {

	private final ApplicationContextRunner app = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, FaultHooks.class, MessagingAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("spring.application.name=consumer-service");

	/** A database nothing here connects to: no migration either. */
	private final ApplicationContextRunner appWithDatabase = this.app
		.withBean(DataSource.class, () -> mock(DataSource.class))
		.withPropertyValues("txorders.messaging.schema.migrate=false");

	/**
	 * A database that refuses every connection, so a migration shows as a failed start.
	 */
	private final ApplicationContextRunner appWithUnreachableDatabase = this.app.withBean(DataSource.class,
			MessagingAutoConfigurationTest::unreachable);

	@Test
	void withADatabaseTheBarrierAndTheExactlyOnceSkeletonExist() {
		this.appWithDatabase.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(TransactionBarrier.class);
			assertThat(context).hasSingleBean(DuplicateMessageDetector.class);
			assertThat(context).hasSingleBean(EffectRows.class);
			assertThat(context).hasSingleBean(ExactlyOnce.class);
		});
	}

	@Test
	void withoutAProducerGroupThereIsNoPublisher() {
		this.appWithDatabase.run(context -> {
			assertThat(context).doesNotHaveBean(TransactionalPublisher.class);
			assertThat(context).doesNotHaveBean(MessagingAutoConfiguration.PublisherLifecycle.class);
		});
	}

	@Test
	void withoutSubscriptionsOrANameServerThereAreNoConsumersAndNoBrokerWatch() {
		this.appWithDatabase.run(context -> {
			assertThat(context).doesNotHaveBean(EventConsumers.class);
			assertThat(context).doesNotHaveBean(BrokerWatch.class);
		});
	}

	@Test
	void withoutBeingToldOtherwiseTheKitMigratesItsTablesAtStart() {
		this.appWithUnreachableDatabase
			.run(context -> assertThat(context).hasFailed().getFailure().hasMessageContaining("messagingSchema"));
		this.appWithUnreachableDatabase.withPropertyValues("spring.flyway.enabled=false")
			.withPropertyValues("txorders.messaging.schema.migrate=true")
			.run(context -> assertThat(context).as("the kit's own setting wins").hasFailed());
	}

	@Test
	void theApplicationsFlywaySwitchTurnsTheKitsMigrationOffToo() {
		this.appWithUnreachableDatabase.withPropertyValues("spring.flyway.enabled=false").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(MessagingSchema.class);
			assertThat(context).hasSingleBean(TransactionBarrier.class);
		});
		this.appWithUnreachableDatabase.withPropertyValues("txorders.messaging.schema.migrate=false")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MessagingSchema.class));
	}

	@Test
	void withoutADatabaseTheKitAddsNothing() {
		this.app.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TransactionBarrier.class);
			assertThat(context).doesNotHaveBean(ExactlyOnce.class);
			assertThat(context).doesNotHaveBean(MessagingSchema.class);
		});
	}

	@Test
	void aProcessWithOnlyTheProxysEndpointsHasTheProxyWatchAsItsRocketmqHealth() {
		this.appWithDatabase
			.withPropertyValues("txorders.messaging.endpoints=127.0.0.1:1", "txorders.messaging.name-server=")
			.run(context -> {
				assertThat(context).doesNotHaveBean(BrokerWatch.class);
				assertThat(context).hasSingleBean(ProxyWatch.class);
				assertThat(context.getBean("rocketmqHealthIndicator")).isInstanceOf(ProxyWatch.class);
				assertThat(context.getBean(MessagingProperties.class).broker().grpc()).isTrue();
			});
		this.appWithDatabase.withPropertyValues("txorders.messaging.endpoints=", "txorders.messaging.name-server=")
			.run(context -> {
				assertThat(context).doesNotHaveBean(BrokerWatch.class);
				assertThat(context).doesNotHaveBean(ProxyWatch.class);
			});
	}

	@Test
	void theSettingsHaveDefaults() {
		this.appWithDatabase.run(context -> {
			MessagingProperties properties = context.getBean(MessagingProperties.class);
			assertThat(properties.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(properties.checkbackLockWait()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.broker().grpc()).as("remoting unless endpoints are set").isFalse();
			assertThat(properties.tls()).isTrue();
			assertThat(properties.producer().group()).isNull();
			assertThat(properties.producer().topics()).isEmpty();
			assertThat(properties.producer().checkThreads()).isEqualTo(4);
			assertThat(properties.outbox().mode()).isEqualTo(OutboxMode.FALLBACK);
			assertThat(properties.outbox().breakerOpenFor()).isEqualTo(Duration.ofSeconds(5));
			assertThat(properties.outbox().relay().enabled()).isTrue();
			assertThat(properties.outbox().relay().lease()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.outbox().relay().maxRetryWait()).isEqualTo(Duration.ofMinutes(1));
		});
	}

	@Test
	void withAProducerGroupThePublisherStartsAndStopsWithTheApplication() {
		List<String> groups = new ArrayList<>();
		try (MockedConstruction<TransactionMQProducer> producers = mockConstruction(TransactionMQProducer.class,
				(producer, construction) -> groups.add((String) construction.arguments().get(0)))) {
			this.appWithDatabase
				.withPropertyValues("txorders.messaging.producer.group=orders-tx",
						"txorders.messaging.producer.topics=order-events")
				.run(context -> {
					assertThat(context).hasNotFailed();
					assertThat(context).hasSingleBean(TransactionalPublisher.class);
					assertThat(context).as("every member of the group relays").hasSingleBean(OutboxRelay.class);
					assertThat(groups).containsExactly("orders-tx");
					TransactionMQProducer producer = producers.constructed().get(0);
					then(producer).should().setTopics(List.of("order-events"));
					then(producer).should().start();
					then(producer).should(never()).shutdown();
				});
			// Stopped with the lifecycle and again by the publisher bean's inferred
			// destroy method: shutting a producer down twice does no harm.
			then(producers.constructed().get(0)).should(atLeastOnce()).shutdown();
		}
	}

	@Test
	void theCheckBackJournalNamesTheApplicationAndJvmUnlessAnAnswererIsSet() {
		this.appWithDatabase.run(context -> assertThat(context.getBean(TransactionBarrier.class).answers().instance())
			.startsWith("consumer-service-")
			.contains("@"));
		this.appWithDatabase.withPropertyValues("txorders.messaging.producer.answerer=checkback-1")
			.run(context -> assertThat(context.getBean(TransactionBarrier.class).answers().instance())
				.isEqualTo("checkback-1"));
	}

	@Test
	void everyProbeBeanIsCalledInOrderAsOne() {
		List<String> reached = new CopyOnWriteArrayList<>();
		this.app.withBean("last", MessagingProbe.class, () -> new Noting("last", Ordered.LOWEST_PRECEDENCE, reached))
			.withBean("first", MessagingProbe.class, () -> new Noting("first", Ordered.HIGHEST_PRECEDENCE, reached))
			.run(context -> {
				MessagingProbe combined = Probes.combine(context.getBeanProvider(MessagingProbe.class));
				OutgoingEvent event = new OutgoingEvent("order-events", "OrderCreated", "42", new byte[0]);

				combined.beforeCommit(event, "tx-1");

				assertThat(reached).containsExactly("first", "last");
				assertThat(combined.answer(event, "tx-1", TransactionResolution.COMMIT))
					.as("each probe gets the answer the one before gave")
					.isEqualTo(TransactionResolution.UNKNOWN);
			});
	}

	@Test
	void withoutProbeBeansTheKitRunsTheProductionProbe() {
		this.app.run(context -> assertThat(Probes.combine(context.getBeanProvider(MessagingProbe.class)))
			.isSameAs(MessagingProbe.NONE));
	}

	/**
	 * A probe that notes when it is reached and hands the answer on changed: COMMIT
	 * becomes ROLLBACK, anything else UNKNOWN.
	 */
	private record Noting(String name, int order, List<String> reached) implements MessagingProbe, Ordered {

		@Override
		public void beforeCommit(OutgoingEvent event, String txId) {
			this.reached.add(this.name);
		}

		@Override
		public TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
			return (answer == TransactionResolution.COMMIT) ? TransactionResolution.ROLLBACK
					: TransactionResolution.UNKNOWN;
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	private static DataSource unreachable() {
		DataSource dataSource = mock(DataSource.class);
		try {
			given(dataSource.getConnection()).willThrow(new SQLException("no database here"));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return dataSource;
	}

}
