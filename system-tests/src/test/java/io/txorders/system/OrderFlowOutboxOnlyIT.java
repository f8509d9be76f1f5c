package io.txorders.system;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same end-to-end flow, every test of {@link OrderFlowIT}, with producer-service and
 * consumer-service in outbox-only mode ({@code OUTBOX_MODE=ALWAYS}): never a half message
 * on a request's or a message's path, every event written to the local message table in
 * the transaction of its rows and published by a relay. After each test, every order it
 * placed went through the table: its OrderCreated was written with reason ALWAYS, and
 * everything written was relayed. Nothing went there for another reason.
 * <p>
 * All of them but the webhook walkthrough (webhooks do not depend on the mode), not a
 * subset: starting and stopping the stack costs several times what the tests themselves
 * take. It runs after the classes that share the default stack.
 */
@Order(5)
class OrderFlowOutboxOnlyIT extends OrderFlowIT {

	private static final String WRITTEN = "txorders_outbox_written_total";

	private static final String RELAYED = "txorders_outbox_relayed_total";

	private Counts before;

	@Override
	Map<String, String> environment() {
		return Map.of("OUTBOX_MODE", "ALWAYS");
	}

	@BeforeAll
	void bothPublishersAreOutboxOnly() {
		for (URI app : List.of(this.stack.producer(), this.stack.consumer())) {
			assertThat(new OutboxAdmin(app).state().get("mode").asString()).as(app.toString()).isEqualTo("ALWAYS");
		}
	}

	@BeforeEach
	void countTheTable() {
		this.before = counts();
	}

	@AfterEach
	void everyEventWentThroughTheTable() {
		// A relay counts a row once the broker heard its COMMIT, just after the row's
		// delete committed.
		await("every row written relayed").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
			Counts delta = counts().minus(this.before);
			assertThat(delta.ordersRelayed()).as("orders database: relayed").isEqualTo(delta.ordersWritten());
			assertThat(delta.repliesRelayed()).as("consumer database: relayed").isEqualTo(delta.repliesWritten());
		});
		Counts delta = counts().minus(this.before);
		assertThat(delta.ordersCreatedWritten()).as("OrderCreated written to the table, one per order placed")
			.isEqualTo(this.placed.get());
		assertThat(delta.repliesWritten()).as("Try replies written to the table, at least one per order")
			.isGreaterThanOrEqualTo(this.placed.get());
		assertThat(delta.otherReasons()).as("events written for another reason than ALWAYS").isZero();
	}

	private Counts counts() {
		String producer = Prometheus.scrape(this.stack.producer());
		String consumer = Prometheus.scrape(this.stack.consumer());
		// The standalone checkback relays the orders database too.
		String checkback = Prometheus.scrape(this.stack.checkback());
		Map<String, String> always = Map.of("reason", "ALWAYS");
		double ordersWritten = Prometheus.sum(producer, WRITTEN, always);
		double repliesWritten = Prometheus.sum(consumer, WRITTEN, always);
		double createdWritten = Prometheus.sum(producer, WRITTEN, Map.of("kind", "OrderCreated", "reason", "ALWAYS"));
		double ordersRelayed = Prometheus.sum(producer, RELAYED, Map.of())
				+ Prometheus.sum(checkback, RELAYED, Map.of());
		double repliesRelayed = Prometheus.sum(consumer, RELAYED, Map.of());
		double allWritten = Prometheus.sum(producer, WRITTEN, Map.of()) + Prometheus.sum(consumer, WRITTEN, Map.of());
		return new Counts(createdWritten, ordersWritten, ordersRelayed, repliesWritten, repliesRelayed,
				allWritten - ordersWritten - repliesWritten);
	}

	/** The counters, summed over event kinds. */
	private record Counts(double ordersCreatedWritten, double ordersWritten, double ordersRelayed,
			double repliesWritten, double repliesRelayed, double otherReasons) {

		Counts minus(Counts earlier) {
			return new Counts(this.ordersCreatedWritten - earlier.ordersCreatedWritten,
					this.ordersWritten - earlier.ordersWritten, this.ordersRelayed - earlier.ordersRelayed,
					this.repliesWritten - earlier.repliesWritten, this.repliesRelayed - earlier.repliesRelayed,
					this.otherReasons - earlier.otherReasons);
		}

	}

}
