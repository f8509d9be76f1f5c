package io.txorders.producer.admin;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic for {@code /admin/api/**}, one user from the environment; everything else
 * (the order API, actuator) passes untouched, through no security filter at all (a dozen
 * filters per request were measurable in a profile). The page's static files need no
 * credentials (they hold no data); the page signs in to the API itself.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurity {

	private static final Logger log = LoggerFactory.getLogger(AdminSecurity.class);

	/** Sent by the page: a 401 then carries no Basic challenge, so no browser dialog. */
	private static final String AJAX_HEADER = "X-Requested-With";

	@Bean
	@Order(1)
	@Conditional(OnAdminCredentials.class)
	SecurityFilterChain adminApi(HttpSecurity http, JsonMapper json) {
		AuthenticationEntryPoint unauthorized = (request, response, ex) -> problem(json, request, response, ex);
		http.securityMatcher("/admin/**")
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/admin/api/**")
				.authenticated()
				.requestMatchers(HttpMethod.GET, "/admin/**")
				.permitAll()
				.anyRequest()
				.denyAll())
			.httpBasic((basic) -> basic.authenticationEntryPoint(unauthorized))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(unauthorized))
			// Stateless Basic, no session cookie. The page sets the Authorization header
			// itself (its 401s carry no challenge), so a browser never attaches the
			// credentials to another site's request: no CSRF token needed.
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	/**
	 * Without admin credentials: a chain for {@code /admin/**} only, so that Spring Boot
	 * does not install its default chain (which would require a login everywhere). A
	 * request no chain matches, such as {@code POST /orders}, passes through none of
	 * Spring Security's filters, only its HTTP firewall.
	 */
	@Bean
	@Order(2)
	@Conditional(WithoutAdminCredentials.class)
	SecurityFilterChain adminSurfaceOff(HttpSecurity http) {
		http.securityMatcher("/admin/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.headers((headers) -> headers.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	/** The admin user, or nobody (and no generated password) when the surface is off. */
	@Bean
	UserDetailsService adminUsers(AdminSettings settings) {
		if (!settings.enabled()) {
			return new InMemoryUserDetailsManager();
		}
		PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		log.info("admin surface on at /admin/ for user '{}'", settings.username());
		return new InMemoryUserDetailsManager(User.withUsername(settings.username())
			.password(encoder.encode(settings.password()))
			.roles("ADMIN")
			.build());
	}

	private static void problem(JsonMapper json, HttpServletRequest request, HttpServletResponse response,
			AuthenticationException ex) throws IOException {
		if (!"XMLHttpRequest".equals(request.getHeader(AJAX_HEADER))) {
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
