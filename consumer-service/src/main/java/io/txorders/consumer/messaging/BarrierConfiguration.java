package io.txorders.consumer.messaging;

import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.checkback.BrokerWatch;
import io.txorders.checkback.BrokerWatchSettings;
import io.txorders.checkback.TransactionBarrier;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BrokerWatchSettings.class)
class BarrierConfiguration {

	@Bean
	TransactionBarrier transactionBarrier(DataSource dataSource, ConsumerSettings settings, MeterRegistry meters) {
		return new TransactionBarrier(dataSource, settings.checkbackLockWait(), meters);
	}

	/**
	 * Health component {@code rocketmq} (NameServer reachable, both topics routed) and
	 * each group's lag and dead letters, refreshed on a schedule through the NameServer.
	 */
	@Bean(initMethod = "start", destroyMethod = "stop")
	BrokerWatch rocketmqHealthIndicator(ConsumerSettings settings, BrokerWatchSettings watch, MeterRegistry meters) {
		return new BrokerWatch(settings.nameServer(), List.of(settings.orderTopic(), settings.replyTopic()),
				List.of(settings.inventory().name(), settings.points().name()), watch.interval(), watch.timeout(),
				meters);
	}

}
