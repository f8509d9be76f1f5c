package io.txorders.producer.admin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.barrier.TransactionBarrier;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerAdminTest {

	@Test
	void anUnreachableConsumerServiceIsA503ProblemNamingItsAddress() throws IOException {
		URI nobody = URI.create("http://127.0.0.1:" + closedPort());
		ConsumerAdmin consumer = new ConsumerAdmin(
				new AdminSettings("admin", "test-only-password", nobody, List.of("inventory"), null));

		assertThatThrownBy(() -> consumer.deadLetters("inventory")).isInstanceOf(ConsumerAdmin.Unreachable.class)
			.hasMessageContaining(nobody.toString());
		ResponseEntity<ProblemDetail> answer = new AdminApiController(null, unusedBarrier(), consumer, null, null)
			.unreachable(new ConsumerAdmin.Unreachable(nobody, new IOException("Connection refused")));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(answer.getBody().getDetail()).contains("consumer-service is unreachable at " + nobody);
	}

	@Test
	void settingsWithoutBothCredentialsAreOffAndNeverShowThePassword() {
		assertThat(new AdminSettings("admin", "", null, List.of(), null).enabled()).isFalse();
		assertThat(new AdminSettings(null, "secret-value", null, List.of(), null).enabled()).isFalse();
		AdminSettings on = new AdminSettings("admin", "secret-value", null, List.of(), null);
		assertThat(on.enabled()).isTrue();
		assertThat(on.toString()).doesNotContain("secret-value");
	}

	static TransactionBarrier unusedBarrier() {
		return new TransactionBarrier(new DriverManagerDataSource("jdbc:mysql://127.0.0.1:1/unused"),
				Duration.ofSeconds(1), new SimpleMeterRegistry());
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
