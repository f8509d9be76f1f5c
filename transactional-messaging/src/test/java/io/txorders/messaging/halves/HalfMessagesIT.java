package io.txorders.messaging.halves;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.consume.DuplicateMessageDetector;
import io.txorders.messaging.consume.EffectRows;
import io.txorders.messaging.consume.EventConsumers;
import io.txorders.messaging.consume.EventHandler;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.spi.MessagingProbe;
import io.txorders.testsupport.LocalInfra;
import io.txorders.testsupport.RawPublisher;
import io.txorders.testsupport.TopicProbe;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The half-message console on the real broker: half messages a producer group left open
 * are listed with what the barrier holds for them; after {@code transactionCheckMax}
 * check-backs without a final answer the broker discards them into
 * {@code TRANS_CHECK_MAX_TIME_TOPIC}, and resolving applies the barrier's answer once:
 * the committed one is delivered to its topic exactly once however often and however
 * concurrently it is resolved, and a consumer group applies its effect once, even when a
 * crash between the send and the record makes a later resolve send it again; the one
 * without a record is dropped and recorded as rolled back.
 * <p>
 * The group's producer answers UNKNOWN to its local transactions and to every check-back,
 * as a producer whose database is unreachable would: the broker keeps asking
 * (transactionCheckMax is 15 on the local stack, checks every second) and then gives up.
 */
class HalfMessagesIT {

	private static final String TOPIC = "order-events";

	private static final String TAG = "HalfConsoleIT";

	private static final String GROUP = "it-halves-" + UUID.randomUUID().toString().substring(0, 8);

	private static JdbcTemplate jdbc;

	private static TransactionBarrier barrier;

	private static RawPublisher producer;

	private static HalfMessages console;

	private static TopicProbe topic;

	/** A consumer group applying each message with the kit's dedupe: key to outcomes. */
	private static final String EFFECTS = "it-halves-effects-" + UUID.randomUUID().toString().substring(0, 8);

	private static final Map<String, List<Outcome>> outcomes = new ConcurrentHashMap<>();

	private static final AtomicInteger effectsRun = new AtomicInteger();

	private static EventConsumers consumers;

	@BeforeAll
	static void aProducerGroupThatNeverAnswers() throws Exception {
		LocalInfra infra = LocalInfra.shared();
		DataSource database = infra.ordersDataSource();
		jdbc = new JdbcTemplate(database);
		barrier = new TransactionBarrier(database, Duration.ofSeconds(2), new SimpleMeterRegistry());
		producer = new RawPublisher(infra.nameServer(), GROUP, LocalTransactionState.UNKNOW);
		console = new HalfMessages(new HalfMessages.Settings(infra.nameServer(), Set.of(GROUP), Duration.ofSeconds(5),
				HalfMessages.MAX_SCAN, "HalfMessagesIT"), barrier, database);
		topic = new TopicProbe(infra.nameServer(), TOPIC);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ExactlyOnce exactlyOnce = new ExactlyOnce(new EffectRows(jdbc),
				new DuplicateMessageDetector(jdbc, MessagingProbe.NONE),
				new TransactionTemplate(new DataSourceTransactionManager(database)), meters);
		EventHandler<Map> handler = EventHandler.of(Map.class, (event, message) -> {
			Outcome outcome = exactlyOnce.apply(EFFECTS, message, () -> {
				effectsRun.incrementAndGet();
				return Outcome.APPLIED;
			});
			outcomes.computeIfAbsent(message.key(), (key) -> new CopyOnWriteArrayList<>()).add(outcome);
			return outcome;
		});
		consumers = new EventConsumers(infra.nameServer(), Duration.ofSeconds(5),
				List.of(new EventConsumers.Subscription(EFFECTS, 2, TOPIC, Map.of(TAG, handler))),
				JsonMapper.builder().build(), MessagingProbe.NONE, meters);
		consumers.start();
		// Receiving for real before the test counts effects.
		try (RawPublisher committing = new RawPublisher(infra.nameServer(), GROUP + "-warm-up")) {
			String warmUp = "warm-up-" + UUID.randomUUID();
			await("the effects group receives").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofSeconds(2))
				.until(() -> {
					if (!outcomes.containsKey(warmUp)) {
						committing.publish(TOPIC, TAG, warmUp, "{\"key\":\"" + warmUp + "\"}");
					}
					return outcomes.containsKey(warmUp);
				});
		}
	}

	@AfterAll
	static void stop() {
		if (consumers != null) {
			consumers.stop();
		}
		if (topic != null) {
			topic.close();
		}
		if (console != null) {
			console.close();
		}
		if (producer != null) {
			producer.close();
		}
	}

	@Test
	void openHalvesAreListedThenTheDiscardedOnesAreResolvedByTheBarriersAnswerOnce() throws Exception {
		String committedTx = "tx-" + UUID.randomUUID();
		String unrecordedTx = "tx-" + UUID.randomUUID();
		String committedKey = "half-" + UUID.randomUUID();
		String unrecordedKey = "half-" + UUID.randomUUID();
		String committedId = sendHalf(committedKey, committedTx);
		String unrecordedId = sendHalf(unrecordedKey, unrecordedTx);

		// Listed while open, with the barrier's answer read, not claimed.
		HalfMessages.Open open = await("both halves listed as open").atMost(Duration.ofSeconds(20))
			.until(() -> openOne(committedId), (found) -> found != null);
		assertThat(open.producerGroup()).isEqualTo(GROUP);
		assertThat(open.topic()).isEqualTo(TOPIC);
		assertThat(open.tag()).isEqualTo(TAG);
		assertThat(open.key()).isEqualTo(committedKey);
		assertThat(open.txId()).isEqualTo(committedTx);
		assertThat(open.barrier()).isEqualTo(HalfMessages.NO_RECORD);
		assertThat(open.ageSeconds()).isBetween(0L, 60L);
		assertThat(openOne(unrecordedId)).isNotNull();
		assertThat(barrierState(unrecordedTx)).as("looking claims nothing").isEmpty();

		// The local transaction committed; its COMMIT and every check-back's answer were
		// lost (this group's producer answers UNKNOWN).
		jdbc.update("INSERT INTO transaction_record (tx_id, state) VALUES (?, 'COMMITTED')", committedTx);
		await("the committed one shows COMMIT, after at least one check-back").atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> {
				HalfMessages.Open now = openOne(committedId);
				assertThat(now).isNotNull();
				assertThat(now.barrier()).isEqualTo("COMMIT");
				assertThat(now.checks()).isPositive();
				assertThat(now.lastCheckedAt()).isNotNull();
			});

		// After transactionCheckMax checks the broker discards both.
		await("both discarded").atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofSeconds(1))
			.untilAsserted(
					() -> assertThat(console.view(1000).discarded()).extracting(HalfMessages.Discarded::messageId)
						.contains(committedId, unrecordedId));
		HalfMessages.View view = console.view(1000);
		assertThat(view.open()).extracting(HalfMessages.Open::messageId).doesNotContain(committedId, unrecordedId);
		HalfMessages.Discarded committed = discardedOne(view, committedId);
		assertThat(committed.barrier()).isEqualTo("COMMIT");
		assertThat(committed.checks()).isGreaterThanOrEqualTo(15);
		assertThat(committed.resolution()).isNull();
		assertThat(topic.readAll(Duration.ofSeconds(1))).as("nothing delivered before a resolve")
			.noneMatch((message) -> committedKey.equals(message.getKeys()));

		// Resolved twice at once: delivered once.
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<HalfMessages.Resolved>> both = List.of(1, 2)
			.stream()
			.map((n) -> CompletableFuture.supplyAsync(() -> {
				awaitQuietly(start);
				return console.resolve(committed.broker(), committed.offset(), "admin-" + n);
			}))
			.toList();
		start.countDown();
		List<HalfMessages.Resolved> resolved = both.stream().map(CompletableFuture::join).toList();
		assertThat(resolved).filteredOn(HalfMessages.Resolved::alreadyResolved).hasSize(1);
		assertThat(resolved).allSatisfy((one) -> {
			assertThat(one.discarded().resolution().action()).isEqualTo("DELIVERED");
			assertThat(one.discarded().resolution().barrierAnswer()).isEqualTo("COMMIT");
		});
		assertThat(console.resolve(committed.broker(), committed.offset(), "admin-3").alreadyResolved()).isTrue();
		// Each resolve returned after the broker stored its copy (or found the row), so
		// reading until nothing new sees every copy there is.
		List<MessageExt> delivered = topic.readAll(Duration.ofSeconds(1))
			.stream()
			.filter((message) -> committedKey.equals(message.getKeys()))
			.toList();
		assertThat(delivered).hasSize(1);
		MessageExt copy = delivered.get(0);
		assertThat(copy.getTags()).isEqualTo(TAG);
		assertThat(copy.getUserProperty(TransactionIds.PROPERTY)).isEqualTo(committedTx);
		assertThat(copy.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)).isEqualTo(committedId);
		assertThat(copy.getUserProperty(HalfMessages.RESOLVED_FROM))
			.isEqualTo(committed.broker() + "@" + committed.offset());
		assertThat(new String(copy.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"key\":\"" + committedKey + "\"}");
		assertThat(copy.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED)).as("a normal message now").isNull();
		await("its effect applied by the consumer group").atMost(Duration.ofSeconds(60))
			.until(() -> outcomes.getOrDefault(committedKey, List.of()).contains(Outcome.APPLIED));

		// A crash between the send and the commit of the resolution: the row is gone, the
		// copy was delivered. Resolving again delivers a second copy, which the group's
		// dedupe absorbs: the effect stays applied once.
		int effectsBefore = effectsRun.get();
		jdbc.update("DELETE FROM half_message_resolution WHERE broker_name = ? AND discard_offset = ?",
				committed.broker(), committed.offset());
		assertThat(console.resolve(committed.broker(), committed.offset(), "admin-4").alreadyResolved()).isFalse();
		await("the second copy delivered and deduped").atMost(Duration.ofSeconds(60))
			.until(() -> outcomes.getOrDefault(committedKey, List.of()).contains(Outcome.DUPLICATE));
		assertThat(outcomes.get(committedKey)).containsExactly(Outcome.APPLIED, Outcome.DUPLICATE);
		assertThat(effectsRun.get()).as("no effect ran for the second copy").isEqualTo(effectsBefore);

		// No record: dropped, and the barrier now says rolled back for good.
		HalfMessages.Discarded unrecorded = discardedOne(console.view(1000), unrecordedId);
		assertThat(unrecorded.barrier()).isEqualTo(HalfMessages.NO_RECORD);
		HalfMessages.Resolved dropped = console.resolve(unrecorded.broker(), unrecorded.offset(), "admin");
		assertThat(dropped.alreadyResolved()).isFalse();
		assertThat(dropped.discarded().resolution().action()).isEqualTo("DROPPED");
		assertThat(dropped.discarded().resolution().barrierAnswer()).isEqualTo("ROLLBACK");
		assertThat(dropped.discarded().resolution().deliveredId()).isNull();
		assertThat(barrierState(unrecordedTx)).containsExactly("ROLLED_BACK");
		assertThat(topic.readAll(Duration.ofSeconds(1)))
			.noneMatch((message) -> unrecordedKey.equals(message.getKeys()));
		assertThat(outcomes).doesNotContainKey(unrecordedKey);

		// The view shows both resolutions, waiting ones first.
		HalfMessages.View after = console.view(1000);
		assertThat(discardedOne(after, committedId).resolution().resolvedBy()).startsWith("admin-");
		assertThat(discardedOne(after, unrecordedId).resolution().action()).isEqualTo("DROPPED");
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM half_message_resolution WHERE message_id IN (?, ?)",
				Integer.class, committedId, unrecordedId))
			.isEqualTo(2);

		// Refusals: another application's group, no such offset, no such broker.
		try (HalfMessages other = new HalfMessages(
				new HalfMessages.Settings(LocalInfra.shared().nameServer(), Set.of("another-group"),
						Duration.ofSeconds(5), HalfMessages.MAX_SCAN, "other"),
				barrier, LocalInfra.shared().ordersDataSource())) {
			assertThatThrownBy(() -> other.resolve(committed.broker(), committed.offset(), "admin"))
				.isInstanceOf(HalfMessages.NotOurs.class)
				.hasMessageContaining(GROUP);
			assertThat(other.view(1000).discardedInOtherGroups()).containsKey(GROUP);
		}
		assertThatThrownBy(() -> console.resolve(committed.broker(), 1_000_000_000L, "admin"))
			.isInstanceOf(HalfMessages.NotFound.class)
			.hasMessageContaining("no discarded message at offset 1000000000");
		assertThatThrownBy(() -> console.resolve("no-such-broker", 0, "admin"))
			.isInstanceOf(HalfMessages.NotFound.class)
			.hasMessageContaining("no-such-broker");
	}

	private static String sendHalf(String key, String txId) throws Exception {
		Message message = new Message(TOPIC, TAG, key, ("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
		message.putUserProperty(TransactionIds.PROPERTY, txId);
		return producer.sendHalf(message);
	}

	private static HalfMessages.Open openOne(String messageId) {
		return console.view(1000)
			.open()
			.stream()
			.filter((half) -> half.messageId().equals(messageId))
			.findFirst()
			.orElse(null);
	}

	private static HalfMessages.Discarded discardedOne(HalfMessages.View view, String messageId) {
		return view.discarded()
			.stream()
			.filter((message) -> message.messageId().equals(messageId))
			.findFirst()
			.orElseThrow(() -> new AssertionError(messageId + " not among the discarded: " + view.discarded()));
	}

	private static List<String> barrierState(String txId) {
		return jdbc.queryForList("SELECT state FROM transaction_record WHERE tx_id = ?", String.class, txId);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
