package io.txorders.consumer.messaging;

import io.txorders.testsupport.LocalInfra;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Points consumer-service at the shared local stack and records what each group does.
 */
@TestConfiguration(proxyBeanMethods = false)
class ConsumerStack {

	@Bean
	DynamicPropertyRegistrar localStack() {
		LocalInfra infra = LocalInfra.shared();
		return registry -> {
			registry.add("spring.datasource.url", infra::consumerJdbcUrl);
			registry.add("spring.datasource.username", infra::dbUser);
			registry.add("spring.datasource.password", infra::dbPassword);
			registry.add("txorders.messaging.name-server", infra::nameServer);
		};
	}

	@Bean
	RecordingProbe recordingProbe() {
		return new RecordingProbe();
	}

}
