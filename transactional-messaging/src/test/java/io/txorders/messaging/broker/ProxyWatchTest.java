package io.txorders.messaging.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyWatchTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void upWhileEveryEndpointAcceptsConnectionsDownWhenOneDoesNot() throws IOException {
		int closedPort;
		try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
			closedPort = other.getLocalPort();
			ProxyWatch watch = watch("127.0.0.1:" + proxy.getLocalPort() + ";127.0.0.1:" + closedPort);
			watch.refresh();
			assertThat(watch.health().getStatus()).isEqualTo(Status.UP);
			assertThat(this.meters.get(BrokerWatch.REACHABLE).gauge().value()).isEqualTo(1);

			other.close();
			watch.refresh();
			assertThat(watch.health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(watch.health().getDetails().get("proxy").toString()).contains("127.0.0.1:" + closedPort);
			assertThat(this.meters.get(BrokerWatch.REACHABLE).gauge().value()).isZero();
		}
	}

	@Test
	void notCheckedYetIsUnknown() {
		assertThat(watch("127.0.0.1:1").health().getStatus()).isEqualTo(Status.UNKNOWN);
	}

	private ProxyWatch watch(String endpoints) {
		return new ProxyWatch(endpoints, Duration.ofSeconds(15), Duration.ofSeconds(1), this.meters);
	}

}
