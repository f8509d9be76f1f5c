package io.txorders.customers;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A service with a customer API refuses to start with token settings that would accept
 * tokens it should not: no issuer, no key source, or a provider's keys without an
 * audience.
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

	@Test
	void anAppWithTheModuleGetsTheDecoderFromItsSettings() {
		ApplicationContextRunner apps = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CustomerSecurity.class));
		apps.withPropertyValues("txorders.customers.jwt.issuer=https://id",
				"txorders.customers.jwt.jwk-set-uri=https://id/jwks", "txorders.customers.jwt.audiences=a, ,b")
			.run((context) -> {
				assertThat(context).hasSingleBean(JwtDecoder.class);
				assertThat(context.getBean(CustomerTokenSettings.class).audiences()).containsExactly("a", "b");
			});
		apps.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("JWT_ISSUER"));
	}

}
