package io.txorders.consumer.messaging;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * consumer-service against the real broker and database of {@link ConsumerStack}. Every
 * test class uses this one configuration, so they share one application context: two
 * contexts would join the same consumer groups and the broker would split the messages
 * between them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// Loopback-only test credentials: they switch the admin endpoints on.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "txorders.admin.username=" + ConsumerServiceTest.ADMIN_USER,
				"txorders.admin.password=" + ConsumerServiceTest.ADMIN_PASSWORD })
@Import(ConsumerStack.class)
public @interface ConsumerServiceTest {

	String ADMIN_USER = "test-admin";

	String ADMIN_PASSWORD = "test-only-password";

}
