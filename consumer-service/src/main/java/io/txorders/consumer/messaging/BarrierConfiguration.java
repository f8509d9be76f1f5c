package io.txorders.consumer.messaging;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.checkback.TransactionBarrier;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class BarrierConfiguration {

	@Bean
	TransactionBarrier transactionBarrier(DataSource dataSource, ConsumerSettings settings, MeterRegistry meters) {
		return new TransactionBarrier(dataSource, settings.checkbackLockWait(), meters);
	}

}
