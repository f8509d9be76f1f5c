package io.txorders.producer.customer;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of the order API ({@code /v3/api-docs}, browsable at
 * {@code /swagger-ui.html}), generated from the controllers. Its security scheme is the
 * customers' bearer token; the order endpoints require it.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "txorders order API", version = "v1",
		description = "Orders of signed-in customers at the catalog's prices, written atomically with their "
				+ "OrderCreated event (RocketMQ transactional messages). Errors are RFC 9457 problem bodies."))
@SecurityScheme(name = OrderApiDocument.CUSTOMER_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
		bearerFormat = "JWT",
		description = "An access token of the configured identity provider; its subject is the customer.")
public class OrderApiDocument {

	/** The security scheme's name, as the order endpoints require it. */
	public static final String CUSTOMER_TOKEN = "customerToken";

}
