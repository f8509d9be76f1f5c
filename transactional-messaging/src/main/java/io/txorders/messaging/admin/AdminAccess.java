package io.txorders.messaging.admin;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

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
 * What every app's admin surface ({@code /admin/}: check-backs, dead letters, redrive)
 * shares: one HTTP Basic user from {@code ADMIN_USERNAME} / {@code ADMIN_PASSWORD}, and
 * the RFC 9457 problem a refused request gets. Each app keeps its own filter chains
 * (which paths need the user), gated by {@link OnAdminCredentials}.
 */
public final class AdminAccess {

	private static final Logger log = LoggerFactory.getLogger(AdminAccess.class);

	/** Sent by the admin page: its 401s then carry no Basic challenge, so no dialog. */
	private static final String AJAX_HEADER = "X-Requested-With";

	private AdminAccess() {
	}

	/**
	 * The admin user, or nobody (and no generated password) when either credential is
	 * missing and the surface is off. The password is encoded at once and never logged.
	 */
	public static UserDetailsService users(String username, String password) {
		if (!StringUtils.hasText(username) || !StringUtils.hasText(password)) {
			return new InMemoryUserDetailsManager();
		}
		log.info("admin surface on under /admin/ for user '{}'", username);
		return new InMemoryUserDetailsManager(User.withUsername(username)
			.password(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password))
			.roles("ADMIN")
			.build());
	}

	/**
	 * Stateless HTTP Basic for the admin user, answering refusals with
	 * {@link #unauthorized(JsonMapper)}. No session cookie and no CSRF token: callers
	 * (the admin page, producer-service, scripts) set the Authorization header
	 * themselves, so a browser never attaches the credentials to another site's request.
	 * The caller adds which paths need the user.
	 */
	public static HttpSecurity basic(HttpSecurity http, JsonMapper json) throws Exception {
		AuthenticationEntryPoint unauthorized = unauthorized(json);
		return http.httpBasic((basic) -> basic.authenticationEntryPoint(unauthorized))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(unauthorized))
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable());
	}

	/**
	 * Lets every request through untouched (no headers, no session, no CSRF): the chain
	 * for what is not the admin surface, so Spring Boot installs no default chain that
	 * would require a login everywhere.
	 */
	public static SecurityFilterChain open(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.headers((headers) -> headers.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.build();
	}

	/**
	 * Answers a missing or wrong credential with 401 and a problem body; with a Basic
	 * challenge unless the admin page asked (it signs in itself).
	 */
	public static AuthenticationEntryPoint unauthorized(JsonMapper json) {
		return (request, response, ex) -> {
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
			// Without it the servlet writer is ISO-8859-1 and says so in the header.
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			response.getWriter().write(json.writeValueAsString(body));
		};
	}

}
