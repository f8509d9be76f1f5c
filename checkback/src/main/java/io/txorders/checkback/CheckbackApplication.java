package io.txorders.checkback;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import com.google.common.util.concurrent.ThreadFactoryBuilder;

/**
 * The standalone check-back process: joins the order producer group only to answer
 * check-backs, so half messages still resolve while every producer-service instance is
 * down or redeploying.
 */
@SpringBootApplication
@EnableConfigurationProperties({ CheckbackProperties.class, BrokerWatchSettings.class })
public class CheckbackApplication {

	private static final Logger log = LoggerFactory.getLogger(CheckbackApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(CheckbackApplication.class, args);
	}

	@Bean
	TransactionBarrier transactionBarrier(DataSource dataSource, CheckbackProperties properties, MeterRegistry meters) {
		TransactionBarrier barrier = new TransactionBarrier(dataSource, properties.lockWaitTimeout(), meters);
		// The admin page shows who answered: this process, or a producer-service.
		barrier.answers().setInstance("checkback-" + ManagementFactory.getRuntimeMXBean().getName());
		return barrier;
	}

	/**
	 * Health component {@code rocketmq}: the NameServer answers and the topics have a
	 * route.
	 */
	@Bean(initMethod = "start", destroyMethod = "stop")
	BrokerWatch rocketmqHealthIndicator(CheckbackProperties properties, BrokerWatchSettings watch,
			MeterRegistry meters) {
		return new BrokerWatch(properties.nameServer(), properties.topics(), java.util.List.of(), watch.interval(),
				watch.timeout(), meters);
	}

	@Bean(initMethod = "start", destroyMethod = "shutdown")
	TransactionMQProducer checkbackProducer(CheckbackProperties properties, TransactionBarrier barrier)
			throws MQClientException {
		TransactionMQProducer producer = ProducerWakeups.quiet(new TransactionMQProducer(properties.producerGroup()));
		producer.setNamesrvAddr(properties.nameServer());
		producer.setInstanceName("checkback-" + ProcessHandle.current().pid());
		// Without a topic the client never learns a broker route, sends no heartbeat, and
		// the
		// broker would not know this member of the group.
		producer.setTopics(properties.topics());
		// A NameServer slow to answer (a busy host, a restart) should not fail the start.
		producer.setMqClientApiTimeout(10_000);
		// Rejoin within seconds after a broker restart: learn routes and heartbeat often.
		producer.setPollNameServerInterval(5_000);
		producer.setHeartbeatBrokerInterval(5_000);
		producer.setTransactionListener(new CheckbackTransactionListener(barrier));
		producer.setExecutorService(new ThreadPoolExecutor(properties.checkThreads(), properties.checkThreads(), 60,
				TimeUnit.SECONDS, new ArrayBlockingQueue<>(2000),
				new ThreadFactoryBuilder().setNameFormat("checkback-%d").build()));
		log.info("checkback joining producer group {} on {} for topics {}", properties.producerGroup(),
				properties.nameServer(), properties.topics());
		return producer;
	}

}
