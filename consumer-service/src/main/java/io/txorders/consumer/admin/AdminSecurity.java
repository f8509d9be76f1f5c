package io.txorders.consumer.admin;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.StringUtils;

/**
 * HTTP Basic for {@code /admin/**} (dead letters, reconciliation), one user from
 * {@code ADMIN_USERNAME} / {@code ADMIN_PASSWORD}; without both the admin endpoints do
 * not exist (404). Everything else (actuator) passes untouched. producer-service's admin
 * page calls these endpoints with the same credentials.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurity {

	private static final Logger log = LoggerFactory.getLogger(AdminSecurity.class);

	@Bean
	@Order(1)
	@Conditional(OnAdminCredentials.class)
	SecurityFilterChain adminEndpoints(HttpSecurity http, JsonMapper json) {
		AuthenticationEntryPoint unauthorized = (request, response, ex) -> unauthorized(json, request, response);
		http.securityMatcher("/admin/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.httpBasic((basic) -> basic.authenticationEntryPoint(unauthorized))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(unauthorized))
			// Stateless Basic, called by producer-service and scripts, never by a
			// browser holding a session: no CSRF token.
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain everythingElse(HttpSecurity http) {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.headers((headers) -> headers.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	/** The admin user, or nobody (and no generated password) when the surface is off. */
	@Bean
	UserDetailsService adminUsers(@Value("${txorders.admin.username:}") String username,
			@Value("${txorders.admin.password:}") String password) {
		if (!StringUtils.hasText(username) || !StringUtils.hasText(password)) {
			return new InMemoryUserDetailsManager();
		}
		log.info("admin endpoints on under /admin/ for user '{}'", username);
		return new InMemoryUserDetailsManager(User.withUsername(username)
			.password(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password))
			.roles("ADMIN")
			.build());
	}

	private static void unauthorized(JsonMapper json, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
			response.setHeader("WWW-Authenticate", "Basic realm=\"txorders admin\"");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", "Unauthorized");
		body.put("status", 401);
		body.put("detail", "admin credentials missing or wrong");
		body.put("instance", request.getRequestURI());
		response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getWriter().write(json.writeValueAsString(body));
	}

}
