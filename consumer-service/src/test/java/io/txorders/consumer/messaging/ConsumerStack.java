package io.txorders.consumer.messaging;

import io.txorders.testsupport.LocalInfra;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Points consumer-service at the shared local stack and records what each group does.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(RecordingProbe.class)
class ConsumerStack {

	@Bean
	DynamicPropertyRegistrar localStack() {
		return LocalInfra.shared().consumerApp();
	}

}
