package io.txorders.producer.admin;

import io.txorders.messaging.admin.AdminAccess;
import io.txorders.messaging.admin.OnAdminCredentials;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic for {@code /admin/api/**}, one user from the environment. The order API has
 * its own chain (customers' tokens, {@code CustomerSecurity}); the catalog and actuator
 * pass through no security filter at all. The page's static files need no credentials
 * (they hold no data); the page signs in to the API itself.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurity {

	@Bean
	@Order(1)
	@Conditional(OnAdminCredentials.class)
	SecurityFilterChain adminApi(HttpSecurity http, JsonMapper json) throws Exception {
		// The page's static files need no credentials (they hold no data); the API does.
		return AdminAccess.basic(http.securityMatcher("/admin/**"), json)
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/admin/api/**")
				.authenticated()
				.requestMatchers(HttpMethod.GET, "/admin/**")
				.permitAll()
				.anyRequest()
				.denyAll())
			.build();
	}

	/**
	 * Without admin credentials: a chain for {@code /admin/**} only, so that Spring Boot
	 * does not install its default chain (which would require a login everywhere). A
	 * request no chain matches, such as {@code GET /catalog}, passes through none of
	 * Spring Security's filters, only its HTTP firewall; the order API has its own chain
	 * (customers' tokens).
	 */
	@Bean
	@Order(2)
	@Conditional(WithoutAdminCredentials.class)
	SecurityFilterChain adminSurfaceOff(HttpSecurity http) throws Exception {
		return AdminAccess.open(http.securityMatcher("/admin/**"));
	}

	@Bean
	UserDetailsService adminUsers(AdminSettings settings) {
		return AdminAccess.users(settings.username(), settings.password());
	}

	/** The opposite of {@link OnAdminCredentials}. */
	static class WithoutAdminCredentials extends NoneNestedConditions {

		WithoutAdminCredentials() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@Conditional(OnAdminCredentials.class)
		static class AdminCredentials {

		}

	}

}
