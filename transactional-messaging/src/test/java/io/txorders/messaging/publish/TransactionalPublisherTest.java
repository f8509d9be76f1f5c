package io.txorders.messaging.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.txorders.messaging.barrier.TransactionAlreadyResolvedException;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.outbox.OutboxMode;
import io.txorders.messaging.outbox.OutboxRows;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.messaging.publish.RecordingProbe.Point;
import io.txorders.messaging.publish.TransactionalPublisher.NotPublished;
import org.apache.rocketmq.client.common.ClientErrorCode;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.exception.RemotingTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;
import org.mockito.MockedConstruction;
import org.mockito.invocation.InvocationOnMock;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockConstruction;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

/**
 * The one rule that decides what the broker is told, without a broker: the local
 * transaction committed, COMMIT; it failed before its COMMIT statement, ROLLBACK; the
 * COMMIT statement itself failed, UNKNOWN (the check-back reads the database). And the
 * check-back answers from the barrier.
 * <p>
 * The publisher builds its RocketMQ producer itself; the test intercepts that
 * construction and plays the client's part in {@code sendMessageInTransaction}: store the
 * half message, run the publisher's {@link TransactionListener}, end the transaction with
 * its answer.
 */
class TransactionalPublisherTest {

	private static final OutgoingEvent ORDER_CREATED = new OutgoingEvent("order-events", "OrderCreated", "42",
			"{\"orderId\":\"42\"}".getBytes(StandardCharsets.UTF_8));

	private final TransactionBarrier barrier = mock(TransactionBarrier.class);

	private final PlatformTransactionManager database = mock(PlatformTransactionManager.class);

	private final RecordingProbe probe = new RecordingProbe();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private MockedConstruction<TransactionMQProducer> producers;

	private FakeBroker broker;

	private TransactionalPublisher publisher;

	@BeforeEach
	void publisherOnAFakeBroker() throws MQClientException {
		willAnswer(call -> new SimpleTransactionStatus()).given(this.database).getTransaction(any());
		this.producers = mockConstruction(TransactionMQProducer.class);
		this.publisher = new TransactionalPublisher(
				new TransactionalPublisher.Settings("127.0.0.1:1", "orders-tx", List.of("order-events"),
						Duration.ofSeconds(3), 1),
				this.barrier, new TransactionTemplate(this.database), this.probe, this.meters);
		assertThat(this.producers.constructed()).hasSize(1);
		this.broker = new FakeBroker(this.producers.constructed().get(0));
	}

	@AfterEach
	void closeProducers() {
		this.producers.close();
	}

	@Test
	void aCommittedLocalTransactionIsAnsweredCommitAndTheCallerGetsItsResult() {
		Published<String> published = this.publisher.publish(ORDER_CREATED,
				(txId) -> Decision.commit("order 42 created"));

		assertThat(published.status()).isEqualTo(Status.COMMITTED);
		assertThat(published.committed()).isTrue();
		assertThat(published.result()).isEqualTo("order 42 created");
		assertThat(published.failure()).isNull();
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.COMMIT_MESSAGE);
		then(this.database).should().commit(argThat((status) -> !status.isRollbackOnly()));
	}

	@Test
	void theProducerIsQuietedForTheBatchingItNeverDoes() {
		then(this.producers.constructed().get(0)).should().batchMaxDelayMs(ProducerWakeups.UNUSED_BATCH_DELAY_MS);
	}

	@Test
	void aCommitDecidedAfterSomethingInsideMarkedTheTransactionRollbackOnlyIsAFailureNotAChoice() {
		SimpleTransactionStatus status = new SimpleTransactionStatus();
		willAnswer(call -> status).given(this.database).getTransaction(any());

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> {
			// A participant failed, and its exception was caught and swallowed.
			status.setRollbackOnly();
			return Decision.commit("order 42 created");
		});

		assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(published.failure()).isInstanceOf(UnexpectedRollbackException.class);
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.ROLLBACK_MESSAGE);
	}

	@Test
	void aPublishInsideTheCallersTransactionIsRefusedBeforeAnythingIsSent() {
		// Joined to an outer transaction, the local "commit" would not be one: the broker
		// would hear COMMIT for rows the caller may still roll back.
		TransactionSynchronizationManager.setActualTransactionActive(true);
		try {
			assertThatThrownBy(() -> this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("never")))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("outside any transaction");
		}
		finally {
			TransactionSynchronizationManager.setActualTransactionActive(false);
		}
		assertThat(this.broker.halfMessages()).isEmpty();
		then(this.database).shouldHaveNoInteractions();
	}

	@Test
	void aProbeThatFailsBeforeTheLocalTransactionRollsBackWithNothingWritten() {
		this.probe.failBeforeLocalTransaction(new IllegalStateException("injected"));

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("never"));

		assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(published.failure()).hasMessage("injected");
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.ROLLBACK_MESSAGE);
		then(this.database).shouldHaveNoInteractions();
	}

	@Test
	void theHalfMessageCarriesTheEventAndTheTransactionIdTheLocalTransactionEnteredTheBarrierWith() {
		AtomicReference<String> localTxId = new AtomicReference<>();

		this.publisher.publish(ORDER_CREATED, (txId) -> {
			then(this.barrier).should().enter(txId);
			localTxId.set(txId);
			return Decision.commit(null);
		});

		Message half = this.broker.halfMessages().get(0);
		assertThat(half.getTopic()).isEqualTo("order-events");
		assertThat(half.getTags()).isEqualTo("OrderCreated");
		assertThat(half.getKeys()).isEqualTo("42");
		assertThat(half.getBody()).isEqualTo(ORDER_CREATED.body());
		assertThat(half.getUserProperty(TransactionIds.PROPERTY)).isNotBlank().isEqualTo(localTxId.get());
	}

	@Test
	void aLocalTransactionThatDecidesRollbackIsAnsweredRollbackWithoutFailure() {
		Published<String> published = this.publisher.publish(ORDER_CREATED,
				(txId) -> Decision.rollback("already cancelled"));

		assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(published.result()).isEqualTo("already cancelled");
		assertThat(published.failure()).isNull();
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.ROLLBACK_MESSAGE);
		then(this.database).should().commit(argThat(TransactionStatus::isRollbackOnly));
	}

	@Test
	void aLocalTransactionThatThrowsBeforeItsCommitIsAnsweredRollbackAndItsFailureIsKept() {
		IllegalStateException down = new IllegalStateException("database unreachable");

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> {
			throw down;
		});

		assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
		assertThat(published.result()).isNull();
		assertThat(published.failure()).isSameAs(down);
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.ROLLBACK_MESSAGE);
		then(this.database).should().rollback(any());
		then(this.database).should(never()).commit(any());
	}

	@Test
	void aCommitStatementThatFailsIsAnsweredUnknownAndLeftToTheCheckBack() {
		TransactionSystemException lost = new TransactionSystemException("connection lost during COMMIT");
		willThrow(lost).given(this.database).commit(any());

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));

		assertThat(published.status()).isEqualTo(Status.UNKNOWN);
		assertThat(published.committed()).isFalse();
		assertThat(published.failure()).as("the caller sees the original failure").isSameAs(lost);
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.UNKNOW);
	}

	@Test
	void aTransactionACheckBackAlreadyRolledBackIsRefusedAndAnsweredRollback() {
		willThrow(new TransactionAlreadyResolvedException("tx")).given(this.barrier).enter(anyString());
		List<String> ran = new ArrayList<>();

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> {
			ran.add(txId);
			return Decision.commit("created");
		});

		assertThat(published.status()).isEqualTo(Status.REFUSED_BY_CHECKBACK);
		assertThat(published.failure()).isInstanceOf(TransactionAlreadyResolvedException.class);
		assertThat(ran).as("the local transaction never ran").isEmpty();
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.ROLLBACK_MESSAGE);
		then(this.database).should().rollback(any());
	}

	@Test
	void anAnswerTheProbeLosesIsSentAsUnknownWhileTheCallerStillSeesCommitted() {
		this.probe.loseTheAnswer();

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));

		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.UNKNOW);
		assertThat(published.status()).isEqualTo(Status.COMMITTED);
		assertThat(published.result()).isEqualTo("created");
		assertThat(published.failure()).isNull();
		assertThat(answersCounted("OrderCreated", "UNKNOWN")).isEqualTo(1);
	}

	@Test
	void aProbeMayAnswerUnknownForACommittedTransaction() {
		this.probe.answerInstead(TransactionResolution.UNKNOWN);

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));

		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.UNKNOW);
		assertThat(published.status()).isEqualTo(Status.COMMITTED);
	}

	@Test
	void theProbeIsReachedBeforeTheLocalTransactionBeforeCommitAtTheAnswerAndAfterTheBrokerAnswered() {
		this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));

		assertThat(this.probe.names()).containsExactly("beforeLocalTransaction", "beforeCommit", "answer COMMIT",
				"afterBrokerAnswered");
		String txId = this.broker.halfMessages().get(0).getUserProperty(TransactionIds.PROPERTY);
		assertThat(this.probe.points()).extracting(Point::txId).containsOnly(txId);
	}

	@Test
	void aRolledBackTransactionReachesNeitherBeforeCommitNorAfterBrokerAnswered() {
		this.publisher.publish(ORDER_CREATED, (txId) -> Decision.rollback("duplicate"));
		this.publisher.publish(ORDER_CREATED, (txId) -> {
			throw new IllegalStateException("database unreachable");
		});

		assertThat(this.probe.names()).containsExactly("beforeLocalTransaction", "answer ROLLBACK",
				"beforeLocalTransaction", "answer ROLLBACK");
	}

	@Test
	void everyAnswerIsCountedByEventTypeAndTheAnswerSent() {
		OutgoingEvent cancelled = new OutgoingEvent("order-events", "OrderCancelled", "42", new byte[0]);

		this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));
		this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));
		this.publisher.publish(cancelled, (txId) -> Decision.rollback("not cancellable"));
		this.probe.answerInstead(TransactionResolution.UNKNOWN);
		this.publisher.publish(cancelled, (txId) -> Decision.commit("cancelled"));

		assertThat(answersCounted("OrderCreated", "COMMIT")).isEqualTo(2);
		assertThat(answersCounted("OrderCancelled", "ROLLBACK")).isEqualTo(1);
		assertThat(answersCounted("OrderCancelled", "UNKNOWN")).as("the answer sent, not the one decided").isEqualTo(1);
		assertThat(answersCounted("OrderCancelled", "COMMIT")).isZero();
		assertThat(this.meters.find(TransactionalPublisher.LOCAL_TRANSACTIONS)
			.tags("kind", "OrderCancelled", "answer", "ROLLBACK", "failed", "false")
			.counter()).as("a rollback the local transaction decided is not a failure").isNotNull();
	}

	@Test
	void aLocalTransactionThatThrowsIsCountedAsFailed() {
		this.publisher.publish(ORDER_CREATED, (txId) -> {
			throw new IllegalStateException("database gone");
		});

		assertThat(this.meters.find(TransactionalPublisher.LOCAL_TRANSACTIONS)
			.tags("kind", "OrderCreated", "answer", "ROLLBACK", "failed", "true")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void aHalfMessageTheBrokerDidNotStoreThrowsNotPublishedAndRunsNothing() throws MQClientException {
		this.broker.refuseHalfMessages();
		List<String> ran = new ArrayList<>();

		assertThatThrownBy(() -> this.publisher.publish(ORDER_CREATED, (txId) -> {
			ran.add(txId);
			return Decision.commit("created");
		})).isInstanceOf(NotPublished.class)
			.hasMessageContaining("OrderCreated event for 42")
			.hasMessageContaining("no route to topic");
		assertThat(ran).isEmpty();
		then(this.barrier).shouldHaveNoInteractions();
		assertThat(this.probe.points()).isEmpty();
	}

	@Test
	void aHalfMessageStoredWithoutAcknowledgementThrowsNotPublishedAndRunsNothing() throws MQClientException {
		// The client runs no local transaction unless the half message is SEND_OK.
		this.broker.storeHalfMessagesWith(SendStatus.FLUSH_DISK_TIMEOUT);
		List<String> ran = new ArrayList<>();

		assertThatThrownBy(() -> this.publisher.publish(ORDER_CREATED, (txId) -> {
			ran.add(txId);
			return Decision.commit("created");
		})).isInstanceOf(NotPublished.class).hasMessageContaining("FLUSH_DISK_TIMEOUT");
		assertThat(ran).isEmpty();
	}

	@Test
	void aBrokerCallThatFailsAfterTheLocalTransactionGivesTheCallerTheLocalOutcome() throws MQClientException {
		this.broker.failAfterTheLocalTransaction();

		Published<String> published = this.publisher.publish(ORDER_CREATED, (txId) -> Decision.commit("created"));

		assertThat(published.status()).isEqualTo(Status.COMMITTED);
		assertThat(published.result()).isEqualTo("created");
		assertThat(this.broker.answers()).containsExactly(LocalTransactionState.COMMIT_MESSAGE);
	}

	@Test
	void aCheckBackForAMessageWithoutATransactionIdIsAnsweredUnknown() {
		MessageExt withoutTxId = checkBackMessage(null);
		MessageExt blankTxId = checkBackMessage(" ");

		assertThat(this.broker.checkBack(withoutTxId)).isEqualTo(LocalTransactionState.UNKNOW);
		assertThat(this.broker.checkBack(blankTxId)).isEqualTo(LocalTransactionState.UNKNOW);
		then(this.barrier).shouldHaveNoInteractions();
	}

	@ParameterizedTest(name = "the barrier resolves {0}: the broker is told {1}")
	@CsvSource({ "COMMIT, COMMIT_MESSAGE", "ROLLBACK, ROLLBACK_MESSAGE", "UNKNOWN, UNKNOW" })
	void aCheckBackIsAnsweredAsTheBarrierResolvesTheTransaction(TransactionResolution resolution,
			LocalTransactionState told) {
		given(this.barrier.resolve("tx-7")).willReturn(resolution);

		assertThat(this.broker.checkBack(checkBackMessage("tx-7"))).isEqualTo(told);
		then(this.barrier).should().resolve("tx-7");
	}

	private double answersCounted(String kind, String answer) {
		return this.meters.find(TransactionalPublisher.LOCAL_TRANSACTIONS)
			.tags("kind", kind, "answer", answer)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private static MessageExt checkBackMessage(String txId) {
		MessageExt message = new MessageExt();
		message.setTopic("order-events");
		message.setTags("OrderCreated");
		message.setKeys("42");
		if (txId != null) {
			// As the broker hands it back; the client refuses to set a blank property.
			MessageAccessor.putProperty(message, TransactionIds.PROPERTY, txId);
		}
		return message;
	}

	/**
	 * Plays the RocketMQ client behind the producer the publisher built: stores the half
	 * message, runs the publisher's listener with the publisher's argument, and records
	 * the answer the transaction is ended with. Check-backs go to the same listener.
	 */
	@Test
	void aBrokerOutOfReachSendsTheEventToTheLocalMessageTableInTheSameTransaction() throws MQClientException {
		OutboxRows rows = mock(OutboxRows.class);
		TransactionalPublisher fallback = publisherWith(rows, OutboxMode.FALLBACK);
		FakeBroker down = new FakeBroker(this.producers.constructed().get(1));
		down.refuseWith(
				sendFailed(ClientErrorCode.CONNECT_BROKER_EXCEPTION, new RemotingConnectException("127.0.0.1:10911")));

		Published<String> published = fallback.publish(ORDER_CREATED, (txId) -> Decision.commit(txId));

		assertThat(published.status()).isEqualTo(Status.COMMITTED);
		assertThat(published.queued()).isTrue();
		then(rows).should().insert(ORDER_CREATED, published.result(), "UNREACHABLE");
		then(this.barrier).should().enter(published.result());
		then(this.database).should().commit(argThat((status) -> !status.isRollbackOnly()));
		assertThat(this.meters
			.counter(TransactionalPublisher.OUTBOX_WRITTEN, "kind", "OrderCreated", "reason", "UNREACHABLE")
			.count()).isEqualTo(1);
	}

	@Test
	void aTimeoutMayHaveStoredTheHalfMessageSoNothingIsWrittenAndTheCheckBackSettlesIt() throws MQClientException {
		OutboxRows rows = mock(OutboxRows.class);
		TransactionalPublisher fallback = publisherWith(rows, OutboxMode.FALLBACK);
		FakeBroker slow = new FakeBroker(this.producers.constructed().get(1));
		slow.refuseWith(sendFailed(ClientErrorCode.ACCESS_BROKER_TIMEOUT,
				new RemotingTimeoutException("wait response on the channel <127.0.0.1:10911> timeout, 3000(ms)")));
		List<String> ran = new ArrayList<>();

		assertThatThrownBy(() -> fallback.publish(ORDER_CREATED, (txId) -> {
			ran.add(txId);
			return Decision.commit(txId);
		})).isInstanceOf(NotPublished.class)
			.hasMessageContaining("nothing was written")
			.satisfies((ex) -> assertThat(((NotPublished) ex).notStored()).isFalse());
		assertThat(ran).isEmpty();
		then(rows).shouldHaveNoInteractions();
	}

	@Test
	void withTheFallbackOffABrokerOutOfReachWritesNothing() throws MQClientException {
		OutboxRows rows = mock(OutboxRows.class);
		TransactionalPublisher off = publisherWith(rows, OutboxMode.OFF);
		FakeBroker down = new FakeBroker(this.producers.constructed().get(1));
		down.refuseWith(
				sendFailed(ClientErrorCode.CONNECT_BROKER_EXCEPTION, new RemotingConnectException("127.0.0.1:10911")));

		assertThatThrownBy(() -> off.publish(ORDER_CREATED, (txId) -> Decision.commit(txId)))
			.isInstanceOf(NotPublished.class);
		then(rows).shouldHaveNoInteractions();
	}

	@Test
	void outboxOnlyModeNeverSendsAHalfMessageOnTheCallersPath() throws MQClientException {
		OutboxRows rows = mock(OutboxRows.class);
		TransactionalPublisher always = publisherWith(rows, OutboxMode.ALWAYS);
		List<String> woken = new ArrayList<>();
		always.whenQueued(() -> woken.add("relay"));

		Published<String> published = always.publish(ORDER_CREATED, (txId) -> Decision.commit(txId));

		assertThat(published.queued()).isTrue();
		then(rows).should().insert(ORDER_CREATED, published.result(), "ALWAYS");
		then(this.producers.constructed().get(1)).should(never()).sendMessageInTransaction(any(Message.class), any());
		assertThat(woken).as("the relay is told at once").containsExactly("relay");
	}

	@Test
	void aRollbackQueuesNothing() throws MQClientException {
		OutboxRows rows = mock(OutboxRows.class);
		TransactionalPublisher always = publisherWith(rows, OutboxMode.ALWAYS);

		Published<String> published = always.publish(ORDER_CREATED, (txId) -> Decision.rollback(txId));

		assertThat(published.status()).isEqualTo(Status.ROLLED_BACK);
		then(rows).shouldHaveNoInteractions();
	}

	@Test
	void afterFailedSendsTheBreakerSkipsTheBrokerUntilItHasWaited() throws MQClientException {
		OutboxRows rows = mock(OutboxRows.class);
		TransactionalPublisher fallback = publisherWith(rows, OutboxMode.FALLBACK);
		TransactionMQProducer client = this.producers.constructed().get(1);
		FakeBroker down = new FakeBroker(client);
		down.refuseWith(
				sendFailed(ClientErrorCode.CONNECT_BROKER_EXCEPTION, new RemotingConnectException("127.0.0.1:10911")));
		for (int i = 0; i < 3; i++) {
			fallback.publish(ORDER_CREATED, (txId) -> Decision.commit(txId));
		}
		assertThat(fallback.brokerSkipped()).isTrue();

		Published<String> skipped = fallback.publish(ORDER_CREATED, (txId) -> Decision.commit(txId));

		then(rows).should().insert(ORDER_CREATED, skipped.result(), "BREAKER_OPEN");
		then(client).should(times(3)).sendMessageInTransaction(any(Message.class), any());
	}

	private TransactionalPublisher publisherWith(OutboxRows rows, OutboxMode mode) {
		return new TransactionalPublisher(
				new TransactionalPublisher.Settings("127.0.0.1:1", "orders-tx", List.of("order-events"),
						Duration.ofSeconds(3), 1),
				this.barrier, new TransactionTemplate(this.database), this.probe, this.meters,
				new TransactionalPublisher.Outbox(rows, mode, Duration.ofMinutes(1)));
	}

	private static MQClientException sendFailed(int code, Throwable last) {
		MQClientException failed = new MQClientException("Send [1] times, still failed, cost [3]ms", last);
		failed.setResponseCode(code);
		return failed;
	}

	private static final class FakeBroker {

		private final TransactionMQProducer producer;

		private final TransactionListener listener;

		private final List<Message> halfMessages = new ArrayList<>();

		private final List<LocalTransactionState> answers = new ArrayList<>();

		FakeBroker(TransactionMQProducer producer) throws MQClientException {
			this.producer = producer;
			ArgumentCaptor<TransactionListener> listener = ArgumentCaptor.forClass(TransactionListener.class);
			then(producer).should().setTransactionListener(listener.capture());
			this.listener = listener.getValue();
			willAnswer(this::storeAndEnd).given(producer).sendMessageInTransaction(any(Message.class), any());
		}

		List<Message> halfMessages() {
			return this.halfMessages;
		}

		List<LocalTransactionState> answers() {
			return this.answers;
		}

		LocalTransactionState checkBack(MessageExt message) {
			return this.listener.checkLocalTransaction(message);
		}

		void refuseHalfMessages() throws MQClientException {
			willThrow(new MQClientException("no route to topic order-events", null)).given(this.producer)
				.sendMessageInTransaction(any(Message.class), any());
		}

		void refuseWith(MQClientException failure) throws MQClientException {
			willThrow(new MQClientException("send message Exception", failure)).given(this.producer)
				.sendMessageInTransaction(any(Message.class), any());
		}

		void storeHalfMessagesWith(SendStatus status) throws MQClientException {
			willAnswer((call) -> {
				this.halfMessages.add(call.getArgument(0));
				return result(status, LocalTransactionState.ROLLBACK_MESSAGE);
			}).given(this.producer).sendMessageInTransaction(any(Message.class), any());
		}

		void failAfterTheLocalTransaction() throws MQClientException {
			willAnswer((call) -> {
				storeAndEnd(call);
				throw new MQClientException("end of transaction not confirmed", null);
			}).given(this.producer).sendMessageInTransaction(any(Message.class), any());
		}

		private TransactionSendResult storeAndEnd(InvocationOnMock call) {
			Message half = call.getArgument(0);
			this.halfMessages.add(half);
			LocalTransactionState answer = this.listener.executeLocalTransaction(half, call.getArgument(1));
			this.answers.add(answer);
			return result(SendStatus.SEND_OK, answer);
		}

		private static TransactionSendResult result(SendStatus status, LocalTransactionState answer) {
			TransactionSendResult result = new TransactionSendResult();
			result.setSendStatus(status);
			result.setLocalTransactionState(answer);
			return result;
		}

	}

}
