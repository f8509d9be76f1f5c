package io.txorders.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests' receiver verifies signatures as the Standard Webhooks specification defines
 * them: its own example, and what a change of any signed part does.
 */
class WebhookReceiverTest {

	private static final byte[] KEY = WebhookReceiver.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

	private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";

	private static final String TIMESTAMP = "1614265330";

	private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

	private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

	@Test
	void theSpecificationsExampleVerifies() {
		assertThat(WebhookReceiver.signed(KEY, ID, TIMESTAMP, BODY, SIGNATURE)).isTrue();
		// During a secret rotation two signatures come, one per secret.
		assertThat(WebhookReceiver.signed(KEY, ID, TIMESTAMP, BODY, "v1,b3RoZXI= " + SIGNATURE)).isTrue();
	}

	@Test
	void aChangeToAnySignedPartFails() {
		assertThat(WebhookReceiver.signed(KEY, "msg_other", TIMESTAMP, BODY, SIGNATURE)).isFalse();
		assertThat(WebhookReceiver.signed(KEY, ID, "1614265331", BODY, SIGNATURE)).isFalse();
		assertThat(WebhookReceiver.signed(KEY, ID, TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8),
				SIGNATURE))
			.isFalse();
		assertThat(
				WebhookReceiver.signed(WebhookReceiver.key("whsec_" + "A".repeat(32)), ID, TIMESTAMP, BODY, SIGNATURE))
			.isFalse();
		assertThat(WebhookReceiver.signed(KEY, ID, TIMESTAMP, BODY, null)).isFalse();
	}

	@Test
	void aTimestampFiveMinutesAwayIsStillFreshOneFurtherIsNot() {
		Instant now = Instant.ofEpochSecond(1614265330);
		assertThat(WebhookReceiver.fresh("1614265030", now)).isTrue();
		assertThat(WebhookReceiver.fresh("1614265029", now)).isFalse();
		assertThat(WebhookReceiver.fresh("soon", now)).isFalse();
	}

}
