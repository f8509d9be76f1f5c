package io.txorders.producer.order;

import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.checkback.BrokerWatch;
import io.txorders.checkback.BrokerWatchSettings;
import io.txorders.checkback.ProducerWakeups;
import io.txorders.checkback.TransactionBarrier;
import org.apache.rocketmq.client.producer.DefaultMQProducer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BrokerWatchSettings.class)
class OrderConfiguration {

	/**
	 * The order producer (RocketMQTemplate's, from rocketmq-spring) never auto-batches:
	 * its batching threads need not wake every 5 ms.
	 */
	@Bean
	static BeanPostProcessor producerWakeups() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				return (bean instanceof DefaultMQProducer producer) ? ProducerWakeups.quiet(producer) : bean;
			}

		};
	}

	@Bean
	TransactionBarrier transactionBarrier(DataSource dataSource, OrderSettings settings, MeterRegistry meters) {
		return new TransactionBarrier(dataSource, settings.checkbackLockWait(), meters);
	}

	/**
	 * Health component {@code rocketmq} (NameServer reachable, both topics routed) and
	 * the lag and dead letters of the reply group, refreshed on a schedule.
	 */
	@Bean(initMethod = "start", destroyMethod = "stop")
	BrokerWatch rocketmqHealthIndicator(@Value("${rocketmq.name-server}") String nameServer, OrderSettings settings,
			BrokerWatchSettings watch, MeterRegistry meters) {
		return new BrokerWatch(nameServer, List.of(settings.topic(), settings.inventoryTopic()),
				List.of(settings.replyGroup()), watch.interval(), watch.timeout(), meters);
	}

}
