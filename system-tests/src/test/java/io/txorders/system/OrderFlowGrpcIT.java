package io.txorders.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same end-to-end flow, every test of {@link OrderFlowIT} but the webhook walkthrough
 * (webhooks do not depend on the transport), with every producer and consumer of the
 * three apps on the gRPC transport: rocketmq-client-java through the proxy
 * ({@code TXORDERS_TRANSPORT=grpc}, so the local stack gives the apps
 * {@code ROCKETMQ_ENDPOINTS}). Half messages, check-backs and deliveries all go through
 * the proxy; the kit above the transport is the same code.
 */
@Order(6)
class OrderFlowGrpcIT extends OrderFlowIT {

	@Override
	Map<String, String> environment() {
		return Map.of("TXORDERS_TRANSPORT", "grpc");
	}

	@BeforeAll
	void everyAppTalksToTheProxy() throws IOException {
		Path logs = Paths.get("target", getClass().getSimpleName(), "logs");
		for (String app : new String[] { "producer-service", "consumer-service", "checkback" }) {
			assertThat(Files.readString(logs.resolve(app + ".log"))).as(app)
				.contains("gRPC transactional producer started on")
				.doesNotContain("through the NameServer at");
		}
		assertThat(Files.readString(logs.resolve("consumer-service.log"))).contains("through the gRPC proxy at");
		assertThat(Files.readString(logs.resolve("producer-service.log"))).contains("through the gRPC proxy at");
	}

}
