package io.txorders.consumer.account;

import io.txorders.customers.CustomerSecurity;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /accounts/**} is for signed-in customers, with the order API's tokens
 * ({@link CustomerSecurity}, {@code txorders.customers.jwt.*}).
 */
@Configuration(proxyBeanMethods = false)
class AccountApiSecurity {

	@Bean
	@Order(2)
	SecurityFilterChain accountApi(HttpSecurity http, JwtDecoder customerTokens, JsonMapper json) throws Exception {
		return CustomerSecurity.chain(http, customerTokens, json, "/accounts", "/accounts/**");
	}

}
