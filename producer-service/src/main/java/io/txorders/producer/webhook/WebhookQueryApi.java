package io.txorders.producer.webhook;

import java.util.Map;

import io.txorders.customers.CustomerSecurity;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Query-back for receivers ({@code GET /webhook-api/orders/{orderId}}): with the
 * credential issued with its endpoint ({@code Authorization: Bearer whq_...}), a receiver
 * reads the current status and version of an order it was notified about, to drop a stale
 * notification or recover a missed one. Any other order is 404, as an unknown one.
 */
@RestController
class WebhookQueryApi {

	private static final String ENDPOINT_ID = "endpoint_id";

	private final WebhookNotifications notifications;

	WebhookQueryApi(WebhookNotifications notifications) {
		this.notifications = notifications;
	}

	@GetMapping(path = "/webhook-api/orders/{orderId}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Object> order(@PathVariable String orderId, Authentication merchant) {
		long endpointId = ((Number) ((DefaultOAuth2AuthenticatedPrincipal) merchant.getPrincipal())
			.getAttribute(ENDPOINT_ID)).longValue();
		WebhookNotifications.OrderState order = isOrderId(orderId)
				? this.notifications.orderFor(endpointId, Long.parseLong(orderId)) : null;
		if (order == null) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
						"no order " + orderId + " was notified to this endpoint"));
		}
		return ResponseEntity.ok(order);
	}

	private static boolean isOrderId(String orderId) {
		try {
			return orderId.matches("\\d{1,19}") && Long.parseLong(orderId) > 0;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/**
	 * The chain for {@code /webhook-api/**}: an opaque bearer token, looked up by its
	 * SHA-256 among the endpoints' query credentials.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Security {

		@Bean
		@Order(4)
		SecurityFilterChain webhookQueryChain(HttpSecurity http, WebhookEndpoints endpoints, JsonMapper json)
				throws Exception {
			OpaqueTokenIntrospector credentials = (token) -> {
				Long endpointId = token.startsWith(WebhookSignatures.QUERY_TOKEN_PREFIX) ? endpoints.byQueryToken(token)
						: null;
				if (endpointId == null) {
					throw new BadOpaqueTokenException("not the query credential of a webhook endpoint");
				}
				return new DefaultOAuth2AuthenticatedPrincipal("webhook-endpoint-" + endpointId,
						Map.of(ENDPOINT_ID, endpointId), null);
			};
			BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
			AuthenticationEntryPoint unauthorized = (request, response, ex) -> {
				challenge.commence(request, response, ex);
				CustomerSecurity.writeProblem(json, request, response, "Unauthorized",
						(request.getHeader(HttpHeaders.AUTHORIZATION) == null)
								? "send Authorization: Bearer <the endpoint's query credential, whq_...>"
								: "the query credential was refused: " + ex.getMessage());
			};
			return http.securityMatcher("/webhook-api/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.oauth2ResourceServer((server) -> server.opaqueToken((opaque) -> opaque.introspector(credentials))
					.authenticationEntryPoint(unauthorized))
				.exceptionHandling((handling) -> handling.authenticationEntryPoint(unauthorized))
				.csrf((csrf) -> csrf.disable())
				.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.requestCache((cache) -> cache.disable())
				.build();
		}

	}

}
