package io.txorders.customers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Signed-in customers, the same way in every service with a customer API: an OAuth2
 * resource server that accepts JWTs from one issuer, signed with its keys, within their
 * validity, whose subject is a valid customer id ({@link CustomerIds}). The subject is
 * the customer.
 * <p>
 * An auto-configuration: it provides the {@code customerTokens} decoder from
 * {@link CustomerTokenSettings} and refuses to start without a complete setting. Each app
 * declares its own filter chain with {@link #chain}, naming the paths that need a
 * customer (producer-service {@code /orders/**}, consumer-service {@code /accounts/**});
 * a request there without a valid token gets 401 with a problem body and the bearer
 * challenge.
 */
@AutoConfiguration
@EnableConfigurationProperties(CustomerTokenSettings.class)
public class CustomerSecurity {

	/**
	 * A stateless chain for {@code paths} that lets only signed-in customers through. The
	 * caller gives it its {@code @Order} among the app's other chains.
	 */
	public static SecurityFilterChain chain(HttpSecurity http, JwtDecoder customerTokens, JsonMapper json,
			String... paths) throws Exception {
		BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
		BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();
		// Spring Security's handlers set the status and WWW-Authenticate; the body says
		// why, as every other refusal does.
		AuthenticationEntryPoint unauthorized = (request, response, ex) -> {
			challenge.commence(request, response, ex);
			writeProblem(json, request, response, "Unauthorized",
					(request.getHeader(HttpHeaders.AUTHORIZATION) == null)
							? "sign in: send Authorization: Bearer <access token>"
							: "the access token was refused: " + ex.getMessage());
		};
		AccessDeniedHandler forbidden = (request, response, ex) -> {
			denied.handle(request, response, ex);
			writeProblem(json, request, response, "Forbidden", "the access token does not allow this request");
		};
		return http.securityMatcher(paths)
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.decoder(customerTokens))
				.authenticationEntryPoint(unauthorized)
				.accessDeniedHandler(forbidden))
			.exceptionHandling(
					(handling) -> handling.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.build();
	}

	/** The decoder every customer chain uses; the app does not start without one. */
	@Bean
	@ConditionalOnMissingBean(name = "customerTokens")
	public JwtDecoder customerTokens(CustomerTokenSettings settings) {
		if (settings.issuer() == null || settings.issuer().isBlank()) {
			throw new IllegalStateException("txorders.customers.jwt.issuer (JWT_ISSUER) is not set: the customer API "
					+ "accepts tokens of one identity provider; set its issuer and JWT_JWK_SET_URI");
		}
		NimbusJwtDecoder decoder;
		if (settings.jwkSetUri() != null && !settings.jwkSetUri().isBlank()) {
			if (settings.audiences().isEmpty()) {
				// An identity provider signs tokens for all its clients with these keys.
				throw new IllegalStateException("txorders.customers.jwt.audiences (JWT_AUDIENCES) is not set: with "
						+ "an identity provider's keys, a token it issued for any other client would be accepted; "
						+ "set the audience this service's tokens carry");
			}
			decoder = NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri()).build();
		}
		else if (settings.publicKeyLocation() != null && !settings.publicKeyLocation().isBlank()) {
			decoder = NimbusJwtDecoder.withPublicKey(readPublicKey(settings)).build();
		}
		else {
			throw new IllegalStateException("neither txorders.customers.jwt.jwk-set-uri (JWT_JWK_SET_URI) nor "
					+ "txorders.customers.jwt.public-key-location (JWT_PUBLIC_KEY_LOCATION) is set: the customer API "
					+ "cannot check customers' tokens");
		}
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(JwtValidators.createDefaultWithIssuer(settings.issuer()));
		validators.add((token) -> CustomerIds.isValid(token.getSubject()) ? OAuth2TokenValidatorResult.success()
				: OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
						"the token's subject is not a customer id (" + CustomerIds.RULE + ")", null)));
		if (!settings.audiences().isEmpty()) {
			validators.add((token) -> (token.getAudience() != null
					&& token.getAudience().stream().anyMatch(settings.audiences()::contains))
							? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(
									new OAuth2Error("invalid_token", "the token is not for this service (aud)", null)));
		}
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
		return decoder;
	}

	private static RSAPublicKey readPublicKey(CustomerTokenSettings settings) {
		Resource location = new DefaultResourceLoader().getResource(settings.publicKeyLocation());
		try (InputStream in = location.getInputStream()) {
			return RsaKeyConverters.x509().convert(in);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new IllegalStateException("txorders.customers.jwt.public-key-location (JWT_PUBLIC_KEY_LOCATION) "
					+ settings.publicKeyLocation() + " is not a readable RSA public key in PEM: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Writes an RFC 9457 problem body (UTF-8) for a refusal whose status and headers are
	 * set: every bearer-token chain of the apps answers this way.
	 */
	public static void writeProblem(JsonMapper json, HttpServletRequest request, HttpServletResponse response,
			String title, String detail) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", title);
		body.put("status", response.getStatus());
		body.put("detail", detail);
		body.put("instance", request.getRequestURI());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		// Without it the servlet writer is ISO-8859-1 and says so in the header.
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter().write(json.writeValueAsString(body));
	}

}
