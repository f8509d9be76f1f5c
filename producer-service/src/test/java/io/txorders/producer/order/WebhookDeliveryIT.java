package io.txorders.producer.order;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import io.txorders.producer.webhook.TargetPolicy;
import io.txorders.producer.webhook.WebhookDispatcher;
import io.txorders.producer.webhook.WebhookEndpoints;
import io.txorders.producer.webhook.WebhookNotifications;
import io.txorders.producer.webhook.WebhookNotifications.Notification;
import io.txorders.producer.webhook.WebhookSettings;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.RawPublisher;
import io.txorders.testsupport.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks against real HTTP receivers on loopback (docs/webhooks.md): a final order
 * transition is POSTed, signed per Standard Webhooks, to every active endpoint; failures
 * are retried on the schedule (here 1 s, 1 s, 1 s) with the same webhook-id, every
 * attempt logged, then FAILED until redelivered; a slow endpoint holds back no other; two
 * dispatchers send each notification once; receivers query orders back with their own
 * credential.
 */
@ProducerServiceTest
@ExtendWith(OutputCaptureExtension.class)
class WebhookDeliveryIT {

	private static final Duration SETTLE = Duration.ofSeconds(60);

	private static RawPublisher participants;

	@Autowired
	private Api api;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private JsonMapper json;

	@Autowired
	private WebhookEndpoints endpoints;

	@Autowired
	private WebhookNotifications notifications;

	@Autowired
	private WebhookDispatcher dispatcher;

	@Autowired
	private TargetPolicy targets;

	@Autowired
	private WebhookSettings settings;

	private final List<AutoCloseable> opened = new ArrayList<>();

	private final List<Long> registered = new ArrayList<>();

	@BeforeAll
	static void participants() {
		participants = new RawPublisher(LocalInfra.shared().nameServer(), "it-webhook-replies");
	}

	@AfterAll
	static void stopParticipants() {
		participants.close();
	}

	@AfterEach
	void removeEndpointsAndReceivers() throws Exception {
		for (long id : this.registered) {
			this.endpoints.delete(id);
		}
		for (AutoCloseable closeable : this.opened) {
			closeable.close();
		}
	}

	@Test
	void aConfirmedOrderIsPostedSignedWithItsVersionAndItsRefundTooAndTheReceiverQueriesItBack() throws Exception {
		WebhookReceiver receiver = receiver(WebhookReceiver.answering());
		WebhookEndpoints.Registered endpoint = register(receiver, List.of());

		String orderId = place("u-hook-confirm");
		participants.publish("reply-events", "InventoryReserved", orderId, reply(orderId, true));
		participants.publish("reply-events", "PaymentFrozen", orderId, reply(orderId, true));
		await().atMost(SETTLE).until(() -> receiver.about(orderId).size() == 1);

		WebhookReceiver.Received confirmed = receiver.about(orderId).get(0);
		assertThat(confirmed.signedWith(endpoint.secret())).as("signature verifies").isTrue();
		assertThat(confirmed.signedWith("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32])))
			.as("another secret's signature does not verify")
			.isFalse();
		assertThat(Long.parseLong(confirmed.timestamp())).isCloseTo(Instant.now().getEpochSecond(),
				org.assertj.core.data.Offset.offset(300L));
		JsonNode event = this.json.readTree(confirmed.body());
		assertThat(event.get("type").asString()).isEqualTo("order.confirmed");
		JsonNode data = event.get("data");
		assertThat(data.get("orderId").asString()).isEqualTo(orderId);
		assertThat(data.get("customerId").asString()).isEqualTo("u-hook-confirm");
		assertThat(data.get("status").asString()).isEqualTo("CONFIRMED");
		assertThat(data.get("cause").asString()).isEqualTo("ALL_RESERVED");
		assertThat(data.get("total").asString()).isEqualTo("39.90");
		assertThat(data.get("currency").asString()).isEqualTo("EUR");
		assertThat(data.get("version").asInt()).isEqualTo(1);
		assertThat(event.get("timestamp").asString()).isEqualTo(data.get("occurredAt").asString());
		assertThat(confirmed.webhookId()).isEqualTo(only(endpoint, orderId, 1).webhookId()).startsWith("msg_");

		assertThat(cancel(orderId).status()).isEqualTo(200);
		await().atMost(SETTLE).until(() -> receiver.about(orderId).size() == 2);
		WebhookReceiver.Received refunded = receiver.about(orderId).get(1);
		JsonNode cancelled = this.json.readTree(refunded.body());
		assertThat(cancelled.get("type").asString()).isEqualTo("order.cancelled");
		assertThat(cancelled.get("data").get("cause").asString()).isEqualTo("USER_CANCELLED");
		assertThat(cancelled.get("data").get("version").asInt()).as("a newer version than the confirmation")
			.isEqualTo(2);
		assertThat(refunded.webhookId()).isNotEqualTo(confirmed.webhookId());
		assertThat(refunded.signedWith(endpoint.secret())).isTrue();

		Response queried = queryBack(endpoint.queryToken(), orderId);
		assertThat(queried.status()).as(queried.toString()).isEqualTo(200);
		assertThat(queried.body().get("status").asString()).isEqualTo("CANCELLED");
		assertThat(queried.body().get("version").asInt()).isEqualTo(2);
		assertThat(queried.body().get("cause").asString()).isEqualTo("USER_CANCELLED");

		WebhookEndpoints.Registered other = register(receiver(WebhookReceiver.answering()), List.of());
		assertThat(queryBack(other.queryToken(), orderId).status()).as("an order not notified to that endpoint")
			.isEqualTo(404);
		assertThat(queryBack(endpoint.queryToken(), "999999999").status()).isEqualTo(404);
		assertThat(queryBack(null, orderId).status()).isEqualTo(401);
		assertThat(queryBack("whq_not-a-credential", orderId).status()).isEqualTo(401);
		assertThat(queryBack(this.api.token("u-hook-confirm"), orderId).status())
			.as("a customer's token is not a query credential")
			.isEqualTo(401);
		this.endpoints.delete(endpoint.endpoint().id());
		assertThat(queryBack(endpoint.queryToken(), orderId).status()).as("a deleted endpoint's credential")
			.isEqualTo(401);
	}

	@Test
	void aReceiverThatFailsTwiceGetsTheSameWebhookIdThreeTimesSpacedByTheScheduleAndEveryAttemptIsLogged()
			throws Exception {
		WebhookReceiver receiver = receiver(WebhookReceiver.answering(500, 500));
		WebhookEndpoints.Registered endpoint = register(receiver, List.of());

		String orderId = placeAndCancel("u-hook-retry");
		await().atMost(SETTLE).until(() -> "DELIVERED".equals(only(endpoint, orderId, 1).status()));

		List<WebhookReceiver.Received> posts = receiver.about(orderId);
		assertThat(posts).hasSize(3);
		assertThat(posts).extracting(WebhookReceiver.Received::webhookId).containsOnly(posts.get(0).webhookId());
		assertThat(posts).allMatch((post) -> post.signedWith(endpoint.secret()));
		for (int i = 1; i < posts.size(); i++) {
			assertThat(Duration.between(posts.get(i - 1).at(), posts.get(i).at()))
				.as("the schedule's wait (1 s) between attempts")
				.isGreaterThanOrEqualTo(Duration.ofMillis(950));
		}
		Notification delivered = only(endpoint, orderId, 1);
		assertThat(delivered.attempts()).isEqualTo(3);
		assertThat(delivered.attemptLog()).extracting(WebhookNotifications.Attempt::outcome)
			.containsExactly("REFUSED", "REFUSED", "DELIVERED");
		assertThat(delivered.attemptLog()).extracting(WebhookNotifications.Attempt::httpStatus)
			.containsExactly(500, 500, 200);
		assertThat(delivered.attemptLog().get(0).error()).isEqualTo("answered 500: {\"answered\":500}");
		assertThat(delivered.attemptLog()).allMatch((attempt) -> attempt.finishedAt() != null
				&& attempt.latencyMs() != null && attempt.dispatcher() != null);
	}

	@Test
	void aReceiverThatIsDownThenUpGetsItOnceItIsUp() throws Exception {
		int port = freePort();
		WebhookEndpoints.Registered endpoint = this.endpoints.register("http://127.0.0.1:" + port + "/hooks", List.of(),
				"down, then up");
		this.registered.add(endpoint.endpoint().id());

		String orderId = placeAndCancel("u-hook-down");
		await().atMost(SETTLE)
			.until(() -> only(endpoint, orderId, 1).attemptLog().size() >= 1
					&& only(endpoint, orderId, 1).attemptLog().get(0).finishedAt() != null);
		assertThat(only(endpoint, orderId, 1).attemptLog().get(0).outcome()).isEqualTo("ERROR");
		assertThat(only(endpoint, orderId, 1).attemptLog().get(0).error()).isEqualTo("connection refused");

		WebhookReceiver receiver = receiver(WebhookReceiver.on(port));
		await().atMost(SETTLE).until(() -> "DELIVERED".equals(only(endpoint, orderId, 1).status()));
		assertThat(receiver.about(orderId)).singleElement()
			.satisfies((post) -> assertThat(post.webhookId()).isEqualTo(only(endpoint, orderId, 1).webhookId()));
	}

	@Test
	void aNotificationIsFailedOnceTheScheduleIsSpentAndARedeliveryKeepsItsWebhookId() throws Exception {
		WebhookReceiver receiver = receiver(WebhookReceiver.answering(503, 503, 503, 503));
		WebhookEndpoints.Registered endpoint = register(receiver, List.of("order.cancelled"));

		String orderId = placeAndCancel("u-hook-fail");
		await().atMost(SETTLE).until(() -> "FAILED".equals(only(endpoint, orderId, 1).status()));
		Notification failed = only(endpoint, orderId, 1);
		assertThat(failed.attempts()).as("the first attempt and one per wait of the schedule").isEqualTo(4);
		assertThat(failed.lastStatus()).isEqualTo(503);
		assertThat(failed.finishedAt()).isNotNull();
		assertThat(receiver.about(orderId)).hasSize(4);

		assertThat(this.notifications.redeliver(failed.id())).isTrue();
		this.dispatcher.wake();
		await().atMost(SETTLE).until(() -> "DELIVERED".equals(only(endpoint, orderId, 1).status()));
		assertThat(receiver.about(orderId)).hasSize(5)
			.extracting(WebhookReceiver.Received::webhookId)
			.containsOnly(failed.webhookId());
		assertThat(only(endpoint, orderId, 1).attempts()).isEqualTo(5);
	}

	@Test
	void aSlowEndpointHoldsBackNeitherTheOrderNorAnotherEndpoint() throws Exception {
		WebhookReceiver slow = receiver(WebhookReceiver.answering().holdingTheFirst());
		WebhookReceiver fast = receiver(WebhookReceiver.answering());
		WebhookEndpoints.Registered slowEndpoint = register(slow, List.of());
		WebhookEndpoints.Registered fastEndpoint = register(fast, List.of());

		String orderId = place("u-hook-slow");
		Response cancelled = cancel(orderId);
		assertThat(cancelled.status()).as("the transition does not wait for any endpoint").isEqualTo(200);
		await().atMost(SETTLE).until(() -> "DELIVERED".equals(only(fastEndpoint, orderId, 1).status()));
		Notification slowOne = only(slowEndpoint, orderId, 1);
		Notification fastOne = only(fastEndpoint, orderId, 1);
		await().atMost(SETTLE)
			.until(() -> only(slowEndpoint, orderId, 1).attemptLog().stream().anyMatch((a) -> a.finishedAt() != null));
		WebhookNotifications.Attempt timedOut = only(slowEndpoint, orderId, 1).attemptLog().get(0);
		assertThat(timedOut.outcome()).isEqualTo("ERROR");
		assertThat(timedOut.error()).isEqualTo("no answer within PT2S");
		assertThat(fastOne.finishedAt()).as("the fast endpoint had it before the slow one's attempt ended")
			.isBefore(timedOut.finishedAt());

		slow.release();
		await().atMost(SETTLE).until(() -> "DELIVERED".equals(only(slowEndpoint, orderId, 1).status()));
		assertThat(slow.about(orderId)).extracting(WebhookReceiver.Received::webhookId)
			.containsOnly(slowOne.webhookId());
	}

	@Test
	void twoDispatchersSendEveryNotificationOnce() throws Exception {
		WebhookReceiver receiver = receiver(WebhookReceiver.answering());
		WebhookEndpoints.Registered endpoint = register(receiver, List.of());
		this.dispatcher.stop();
		WebhookDispatcher first = new WebhookDispatcher(this.notifications, this.endpoints, this.targets, this.settings,
				new SimpleMeterRegistry(), "it-dispatcher-a");
		WebhookDispatcher second = new WebhookDispatcher(this.notifications, this.endpoints, this.targets,
				this.settings, new SimpleMeterRegistry(), "it-dispatcher-b");
		List<String> orders = new ArrayList<>();
		try {
			for (int i = 0; i < 16; i++) {
				orders.add(placeAndCancel("u-hook-two"));
			}
			first.start();
			second.start();
			await().atMost(SETTLE)
				.until(() -> orders.stream().allMatch((id) -> "DELIVERED".equals(only(endpoint, id, 1).status())));
		}
		finally {
			first.stop();
			second.stop();
			this.dispatcher.start();
		}
		Map<String, Long> postsPerId = orders.stream()
			.flatMap((id) -> receiver.about(id).stream())
			.collect(Collectors.groupingBy(WebhookReceiver.Received::webhookId, Collectors.counting()));
		assertThat(postsPerId).hasSize(16).allSatisfy((id, posts) -> assertThat(posts).as(id).isEqualTo(1));
		List<String> dispatchers = this.jdbc.queryForList(
				"SELECT DISTINCT a.dispatcher FROM webhook_attempt a JOIN webhook_notification n ON n.id = a.notification_id "
						+ "WHERE n.endpoint_id = ?",
				String.class, endpoint.endpoint().id());
		assertThat(dispatchers).as("both took part").containsExactlyInAnyOrder("it-dispatcher-a", "it-dispatcher-b");
	}

	@Test
	void aRotatedSecretSignsAlongsideTheNewOneAndADisabledEndpointIsNotNotified() throws Exception {
		WebhookReceiver receiver = receiver(WebhookReceiver.answering());
		WebhookEndpoints.Registered endpoint = register(receiver, List.of());
		String rotated = this.endpoints.rotateSecret(endpoint.endpoint().id(), Duration.ofMinutes(5));

		String duringOverlap = placeAndCancel("u-hook-rotate");
		await().atMost(SETTLE).until(() -> receiver.about(duringOverlap).size() == 1);
		WebhookReceiver.Received post = receiver.about(duringOverlap).get(0);
		assertThat(post.signature().split(" ")).hasSize(2);
		assertThat(post.signedWith(rotated)).isTrue();
		assertThat(post.signedWith(endpoint.secret())).isTrue();

		assertThat(this.endpoints.setStatus(endpoint.endpoint().id(), "DISABLED")).isTrue();
		String whileDisabled = placeAndCancel("u-hook-rotate");
		assertThat(this.notifications.list(endpoint.endpoint().id(), null, 50))
			.noneMatch((notification) -> notification.orderId().equals(whileDisabled));
		assertThat(this.endpoints.setStatus(endpoint.endpoint().id(), "ACTIVE")).isTrue();
		String enabledAgain = placeAndCancel("u-hook-rotate");
		await().atMost(SETTLE).until(() -> receiver.about(enabledAgain).size() == 1);
		assertThat(receiver.about(whileDisabled)).isEmpty();
	}

	@Test
	void aRedirectIsNotFollowedAndAnAnswersBodyIsReadOnlyInPart() throws Exception {
		WebhookReceiver redirecting = receiver(WebhookReceiver.answering(302));
		WebhookReceiver talkative = receiver(WebhookReceiver.answering(500).withAnswerBody("x".repeat(200_000)));
		WebhookEndpoints.Registered moved = register(redirecting, List.of());
		WebhookEndpoints.Registered verbose = register(talkative, List.of());

		String orderId = placeAndCancel("u-hook-abuse");
		await().atMost(SETTLE)
			.until(() -> "DELIVERED".equals(only(moved, orderId, 1).status())
					&& "DELIVERED".equals(only(verbose, orderId, 1).status()));

		WebhookNotifications.Attempt redirect = only(moved, orderId, 1).attemptLog().get(0);
		assertThat(redirect.outcome()).isEqualTo("REFUSED");
		assertThat(redirect.httpStatus()).isEqualTo(302);
		assertThat(redirect.error()).startsWith("redirect to " + redirecting.url() + "/elsewhere not followed");
		assertThat(redirecting.received()).as("nothing asked where the redirect pointed")
			.extracting(WebhookReceiver.Received::path)
			.containsOnly("/hooks");
		assertThat(redirecting.received()).extracting(WebhookReceiver.Received::method).containsOnly("POST");
		assertThat(redirecting.about(orderId)).as("the 302, then the retry delivered").hasSize(2);

		WebhookNotifications.Attempt refused = only(verbose, orderId, 1).attemptLog().get(0);
		assertThat(refused.httpStatus()).isEqualTo(500);
		assertThat(refused.error()).as("the answer's start, not its 200,000 characters")
			.startsWith("answered 500: xxx")
			.hasSizeLessThan(300);
	}

	@Test
	void secretsAndQueryCredentialsAppearInNoLogLine(CapturedOutput output) throws Exception {
		WebhookReceiver receiver = receiver(WebhookReceiver.answering(500));
		WebhookEndpoints.Registered endpoint = register(receiver, List.of());
		String rotated = this.endpoints.rotateSecret(endpoint.endpoint().id(), Duration.ofMinutes(5));

		String orderId = placeAndCancel("u-hook-secret");
		await().atMost(SETTLE).until(() -> "DELIVERED".equals(only(endpoint, orderId, 1).status()));
		assertThat(queryBack(endpoint.queryToken(), orderId).status()).isEqualTo(200);
		assertThat(queryBack(endpoint.queryToken() + "x", orderId).status()).isEqualTo(401);

		assertThat(output.getAll()).as("the log names the webhook").contains(only(endpoint, orderId, 1).webhookId());
		for (String secret : List.of(endpoint.secret(), rotated, endpoint.queryToken())) {
			String key = secret.substring(secret.indexOf('_') + 1);
			assertThat(output.getAll()).doesNotContain(key);
		}
		assertThat(endpoint.toString()).doesNotContain(endpoint.secret()).doesNotContain(endpoint.queryToken());
	}

	private WebhookReceiver receiver(WebhookReceiver receiver) {
		this.opened.add(receiver);
		return receiver;
	}

	private WebhookEndpoints.Registered register(WebhookReceiver receiver, List<String> events) {
		this.targets.check(URI.create(receiver.url()));
		WebhookEndpoints.Registered registered = this.endpoints.register(receiver.url(), events, "test receiver");
		this.registered.add(registered.endpoint().id());
		return registered;
	}

	/** The endpoint's one notification of the order at this version. */
	private Notification only(WebhookEndpoints.Registered endpoint, String orderId, int version) {
		List<Notification> found = this.notifications.list(endpoint.endpoint().id(), null, 500)
			.stream()
			.filter((notification) -> notification.orderId().equals(orderId) && notification.orderVersion() == version)
			.toList();
		assertThat(found).as("notifications of order " + orderId + " v" + version).hasSize(1);
		return found.get(0);
	}

	private String place(String userId) {
		Response placed = this.api.placeOrder(Api.newKey(), Api.order(userId, "BOOK-001", 1));
		assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
		return placed.body().get("orderId").asString();
	}

	private String placeAndCancel(String userId) {
		String orderId = place(userId);
		Response cancelled = cancel(orderId);
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		return orderId;
	}

	private Response cancel(String orderId) {
		return this.api.send(HttpRequest.newBuilder(this.api.base().resolve("/orders/" + orderId + "/cancel"))
			.POST(HttpRequest.BodyPublishers.noBody()));
	}

	private Response queryBack(String token, String orderId) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.api.base().resolve("/webhook-api/orders/" + orderId))
			.GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.api.sendAs(null, request);
	}

	private static String reply(String orderId, boolean reserved) {
		return "{\"orderId\":\"" + orderId + "\",\"reserved\":" + reserved
				+ ",\"reason\":null,\"decidedAt\":\"2026-12-07T10:00:00Z\"}";
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
