package io.txorders.messaging.outbox;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxRelayTest {

	private final OutboxRelay relay = new OutboxRelay(null, null, null, null, new SimpleMeterRegistry(),
			new OutboxRelay.Settings(1, 10, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(1),
					Duration.ofMinutes(1)));

	@Test
	void theWaitDoublesAfterEachFailedAttemptUpToTheCapWithAtMostAFifthOfJitter() {
		assertThat(this.relay.retryWait(1)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
		assertThat(this.relay.retryWait(2)).isBetween(Duration.ofMillis(1600), Duration.ofSeconds(2));
		assertThat(this.relay.retryWait(4)).isBetween(Duration.ofMillis(6400), Duration.ofSeconds(8));
		assertThat(this.relay.retryWait(7)).isBetween(Duration.ofSeconds(48), Duration.ofMinutes(1));
	}

	@Test
	void noNumberOfAttemptsGivesUp() {
		for (int attempts : new int[] { 30, 31, 64, 1_000_000, Integer.MAX_VALUE }) {
			assertThat(this.relay.retryWait(attempts)).as("after %d attempts", attempts)
				.isBetween(Duration.ofSeconds(48), Duration.ofMinutes(1));
		}
	}

}
