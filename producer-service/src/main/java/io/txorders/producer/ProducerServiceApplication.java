package io.txorders.producer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * producer-service: the HTTP order API. Each order and its OrderCreated event commit
 * together through a RocketMQ transactional (half) message.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ProducerServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(ProducerServiceApplication.class, args);
	}

}
