package io.txorders.customers;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where customers' access tokens (JWT) come from, {@code txorders.customers.jwt.*}. In
 * production, the identity provider's {@code issuer} and {@code jwk-set-uri}; for the
 * local stack, its issuer and the public half of the key it generated
 * ({@code public-key-location}). Tokens must name this issuer; with {@code audiences}
 * set, one of them too.
 *
 * @param issuer the {@code iss} every token must carry
 * @param jwkSetUri the identity provider's JWK set (its signing keys)
 * @param publicKeyLocation where an RSA public key (PEM) is, instead of a JWK set
 * ({@code file:...}, {@code classpath:...})
 * @param audiences accepted {@code aud} values; empty accepts any
 */
@ConfigurationProperties("txorders.customers.jwt")
public record CustomerTokenSettings(String issuer, String jwkSetUri, String publicKeyLocation, List<String> audiences) {

	public CustomerTokenSettings {
		audiences = (audiences != null) ? audiences.stream().filter((aud) -> !aud.isBlank()).toList() : List.of();
	}

}
