package io.txorders.producer.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WebhookSignaturesTest {

	// The Standard Webhooks specification's example, as its libraries test it.
	private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";

	private static final long SPEC_TIMESTAMP = 1614265330;

	private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

	@Test
	void signsTheSpecificationsExampleAsItsReferenceLibrariesDo() {
		assertThat(WebhookSignatures.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
			.isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void aHeaderForTwoSecretsHoldsBothSignaturesSpaceSeparatedNewestFirst() {
		String other = WebhookSignatures.newSecret();
		String header = WebhookSignatures.header(List.of(other, SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
		assertThat(header.split(" ")).containsExactly(WebhookSignatures.sign(other, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
				"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void anyChangeToIdTimestampOrBodyChangesTheSignature() {
		String signed = WebhookSignatures.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
		assertThat(WebhookSignatures.sign(SPEC_SECRET, SPEC_ID + "x", SPEC_TIMESTAMP, SPEC_BODY)).isNotEqualTo(signed);
		assertThat(WebhookSignatures.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY)).isNotEqualTo(signed);
		assertThat(WebhookSignatures.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 2432232315}".getBytes()))
			.isNotEqualTo(signed);
	}

	@Test
	void newSecretsAre32RandomBytesAfterThePrefixAndQueryTokensAreKeptAsTheirHash() {
		String secret = WebhookSignatures.newSecret();
		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
		assertThat(WebhookSignatures.newSecret()).isNotEqualTo(secret);
		String token = WebhookSignatures.newQueryToken();
		assertThat(token).startsWith("whq_").hasSize(4 + 43);
		assertThat(WebhookSignatures.sha256(token)).hasSize(64).isNotEqualTo(WebhookSignatures.sha256(token + "x"));
	}

	@Test
	void aSecretWithoutItsPrefixIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WebhookSignatures.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SPEC_ID, 1, SPEC_BODY));
	}

}
