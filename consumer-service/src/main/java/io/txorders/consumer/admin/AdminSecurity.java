package io.txorders.consumer.admin;

import io.txorders.messaging.admin.AdminAccess;
import io.txorders.messaging.admin.OnAdminCredentials;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic for {@code /admin/**} (dead letters, accounts and deposits), one user from
 * {@code ADMIN_USERNAME} / {@code ADMIN_PASSWORD}; without both the admin endpoints do
 * not exist (404). {@code /accounts/**} has its own chain (customers' tokens); everything
 * else (actuator) passes untouched. producer-service's admin page calls these endpoints
 * with the same credentials.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurity {

	@Bean
	@Order(1)
	@Conditional(OnAdminCredentials.class)
	SecurityFilterChain adminEndpoints(HttpSecurity http, JsonMapper json) throws Exception {
		return AdminAccess.basic(http.securityMatcher("/admin/**"), json)
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.build();
	}

	/** After every other chain: it matches any request. */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
		return AdminAccess.open(http);
	}

	@Bean
	UserDetailsService adminUsers(@Value("${txorders.admin.username:}") String username,
			@Value("${txorders.admin.password:}") String password) {
		return AdminAccess.users(username, password);
	}

}
