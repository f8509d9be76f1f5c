package io.txorders.producer.customer;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * producer-service refuses to start with token settings that would accept tokens it
 * should not: no issuer, no key source, or a provider's keys without an audience.
 */
class CustomerSecurityTest {

	private final CustomerSecurity security = new CustomerSecurity();

	@Test
	void withoutAnIssuerItDoesNotStart() {
		assertThatIllegalStateException()
			.isThrownBy(
					() -> this.security.customerTokens(new CustomerTokenSettings("", "https://id/jwks", null, null)))
			.withMessageContaining("JWT_ISSUER");
	}

	@Test
	void withoutAKeySourceItDoesNotStart() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.security.customerTokens(new CustomerTokenSettings("https://id", "", "", null)))
			.withMessageContaining("JWT_JWK_SET_URI")
			.withMessageContaining("JWT_PUBLIC_KEY_LOCATION");
	}

	@Test
	void aProvidersKeysWithoutAnAudienceDoNotStart() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.security
				.customerTokens(new CustomerTokenSettings("https://id", "https://id/jwks", null, List.of(""))))
			.withMessageContaining("JWT_AUDIENCES");
	}

	@Test
	void aProvidersKeysWithAnAudienceMakeADecoder() {
		assertThat(this.security.customerTokens(
				new CustomerTokenSettings("https://id", "https://id/jwks", null, List.of("txorders-orders"))))
			.isNotNull();
	}

}
