package io.txorders.producer.customer;

import io.txorders.customers.CustomerSecurity;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The order API is for signed-in customers ({@link CustomerSecurity}: their tokens, the
 * 401 problem). The catalog, actuator and the admin surface (its own credentials) are
 * outside this chain.
 */
@Configuration(proxyBeanMethods = false)
class OrderApiSecurity {

	@Bean
	@Order(3)
	SecurityFilterChain orderApi(HttpSecurity http, JwtDecoder customerTokens, JsonMapper json) throws Exception {
		return CustomerSecurity.chain(http, customerTokens, json, "/orders", "/orders/**");
	}

}
