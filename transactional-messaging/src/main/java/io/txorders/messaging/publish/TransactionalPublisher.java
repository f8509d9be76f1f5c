package io.txorders.messaging.publish;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.txorders.messaging.barrier.TransactionAlreadyResolvedException;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.outbox.OutboxMode;
import io.txorders.messaging.outbox.OutboxRelay;
import io.txorders.messaging.outbox.OutboxRows;
import io.txorders.messaging.publish.HalfMessageSender.CheckedMessage;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.messaging.spi.MessagingProbe;
import io.txorders.messaging.transport.BrokerConnection;
import org.apache.rocketmq.client.exception.MQClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes an event together with the local transaction that writes its rows: the half
 * message first, then the local transaction (on the caller's thread, entered through the
 * {@link TransactionBarrier}), then COMMIT or ROLLBACK to the broker. The broker's
 * check-backs, to any member of the producer group, are answered from the database
 * through the same barrier, so they are exact.
 * <p>
 * The answer to the broker follows one rule: the local transaction committed, COMMIT; it
 * failed before its COMMIT statement (the database rolled it back), ROLLBACK; the COMMIT
 * statement itself failed (it may or may not have happened), UNKNOWN, and the check-back
 * reads the outcome from the database.
 * <p>
 * When the broker did not store the half message because it cannot be reached (or while
 * the circuit breaker, opened by failed sends, skips the broker), the event goes to the
 * local message table instead, in the same local transaction as the rows
 * ({@link OutboxMode#FALLBACK}); the relay publishes it later. A half message that may
 * have been stored (a timeout) is never replaced so: the caller hears that nothing was
 * written, and the check-back settles the half message.
 * <p>
 * A process that only answers check-backs (the standalone checkback) runs one of these
 * and never calls {@link #publish}.
 * <p>
 * The broker is reached over remoting (the NameServer) or gRPC (the proxy), as
 * {@link Settings#broker()} says; everything above is the same code for both
 * ({@link HalfMessageSender}).
 */
public class TransactionalPublisher {

	private static final Logger log = LoggerFactory.getLogger(TransactionalPublisher.class);

	/**
	 * Counter, tags kind (the event type), answer (COMMIT, ROLLBACK, UNKNOWN) and failed
	 * (whether the local transaction failed, rather than deciding to roll back: a
	 * duplicate, an order that moved on).
	 */
	public static final String LOCAL_TRANSACTIONS = "txorders.local.transactions";

	/** Timer, tags kind (the event type) and result (sent, failed). */
	public static final String HALF_SEND = "txorders.half.send";

	/**
	 * Counter, tags kind (the event type) and reason (UNREACHABLE, BREAKER_OPEN, ALWAYS):
	 * events written to the local message table instead of sent as half messages.
	 */
	public static final String OUTBOX_WRITTEN = "txorders.outbox.written";

	/**
	 * Gauge: 1 while the circuit breaker skips the broker (open or forced open), else 0.
	 */
	public static final String BREAKER_OPEN = "txorders.broker.breaker.open";

	private final HalfMessageSender sender;

	private final String group;

	private final TransactionBarrier barrier;

	private final TransactionTemplate transactions;

	private final MessagingProbe probe;

	private final MeterRegistry meters;

	private final Outbox outbox;

	private final CircuitBreaker breaker;

	private final List<String> topics;

	private volatile Runnable whenQueued = () -> {
	};

	/**
	 * @param settings the producer group and how to reach the broker
	 * @param barrier the barrier of the database the local transactions write to
	 * @param transactions transactions on that same database
	 * @param probe the test and fault hooks, {@link MessagingProbe#NONE} in production
	 * @param meters where answers and send times are counted
	 */
	public TransactionalPublisher(Settings settings, TransactionBarrier barrier, TransactionTemplate transactions,
			MessagingProbe probe, MeterRegistry meters) {
		this(settings, barrier, transactions, probe, meters, Outbox.NONE);
	}

	/**
	 * @param settings the producer group and how to reach the broker
	 * @param barrier the barrier of the database the local transactions write to
	 * @param transactions transactions on that same database
	 * @param probe the test and fault hooks, {@link MessagingProbe#NONE} in production
	 * @param meters where answers and send times are counted
	 * @param outbox when events go to the local message table instead
	 */
	public TransactionalPublisher(Settings settings, TransactionBarrier barrier, TransactionTemplate transactions,
			MessagingProbe probe, MeterRegistry meters, Outbox outbox) {
		this.outbox = outbox;
		this.breaker = CircuitBreaker.of(settings.group() + "-broker",
				CircuitBreakerConfig.custom()
					.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
					.slidingWindowSize(10)
					.minimumNumberOfCalls(3)
					.failureRateThreshold(50)
					.waitDurationInOpenState(outbox.breakerOpenFor())
					.permittedNumberOfCallsInHalfOpenState(1)
					.automaticTransitionFromOpenToHalfOpenEnabled(true)
					.build());
		this.breaker.getEventPublisher()
			.onStateTransition(event -> log.warn("producer group {}: circuit breaker {}", settings.group(),
					event.getStateTransition()));
		Gauge.builder(BREAKER_OPEN, this, publisher -> publisher.brokerSkipped() ? 1 : 0)
			.description("1 while the circuit breaker skips the broker after failed sends")
			.tag("group", settings.group())
			.register(meters);
		this.barrier = barrier;
		this.transactions = transactions;
		this.probe = probe;
		this.meters = meters;
		this.group = settings.group();
		this.topics = List.copyOf(settings.topics());
		this.sender = settings.broker().grpc() ? new GrpcSender(settings, this::answerCheckBack)
				: new RemotingSender(settings, this::answerCheckBack);
	}

	/**
	 * The producer group and how to reach the broker.
	 *
	 * @param broker remoting through the NameServer, or gRPC through the proxy
	 * @param group the transactional producer group: the broker's check-backs for its
	 * messages go to any member of it (over gRPC, to any client publishing the topic)
	 * @param topics the topics it publishes to, so that a member that only answers
	 * check-backs is known to the broker
	 * @param requestTimeout timeout of each call to the broker
	 * @param checkThreads check-backs answered at once over remoting; each may wait for
	 * an open local transaction (client-java answers on its own callback threads)
	 */
	public record Settings(BrokerConnection broker, String group, List<String> topics, Duration requestTimeout,
			int checkThreads) {

		/** Remoting through the NameServer at {@code nameServer}. */
		public Settings(String nameServer, String group, List<String> topics, Duration requestTimeout,
				int checkThreads) {
			this(BrokerConnection.remoting(nameServer), group, topics, requestTimeout, checkThreads);
		}

	}

	/**
	 * The local message table, and when events go there.
	 *
	 * @param rows the table, in the database the local transactions write to (null only
	 * with mode OFF)
	 * @param mode when events are written to it instead of sent as half messages
	 * @param breakerOpenFor how long the circuit breaker, once open, skips the broker
	 * before it lets one send through to try it
	 */
	public record Outbox(OutboxRows rows, OutboxMode mode, Duration breakerOpenFor) {

		/** No local message table: while the broker is unreachable nothing is written. */
		public static final Outbox NONE = new Outbox(null, OutboxMode.OFF, Duration.ofSeconds(5));

		public Outbox {
			if (rows == null && mode != OutboxMode.OFF) {
				throw new IllegalArgumentException("outbox mode " + mode + " needs the local message table");
			}
		}

	}

	public void start() {
		this.sender.start();
		log.info("transactional producer group {} started on {} for topics {}", this.group, this.sender.describe(),
				this.topics);
	}

	public void shutdown() {
		this.sender.shutdown();
	}

	/**
	 * Publishes {@code event} with its local transaction: sends it as a half message,
	 * runs {@code local} in a database transaction that begins with the barrier's row,
	 * and tells the broker the outcome. In mode {@link OutboxMode#ALWAYS}, or in
	 * {@link OutboxMode#FALLBACK} when the broker did not store the half message because
	 * it is unreachable or the circuit breaker is open, the event is written to the local
	 * message table in that same transaction instead ({@link Published#queued()}), and
	 * the relay publishes it.
	 * @return the outcome; see {@link Published.Status}
	 * @throws NotPublished if the broker did not take the half message and the event was
	 * not written to the local message table either: the local transaction did not run
	 * and nothing was written
	 * @throws IllegalStateException if called inside a transaction: the local transaction
	 * must be the kit's own, committed before the broker hears COMMIT
	 */
	public <T> Published<T> publish(OutgoingEvent event, LocalTransaction<T> local) {
		refuseCallersTransaction(event);
		if (this.outbox.mode() == OutboxMode.ALWAYS) {
			return queue(event, local, "ALWAYS");
		}
		try {
			return sendHalf(event, local);
		}
		catch (NotPublished ex) {
			if (this.outbox.mode() != OutboxMode.FALLBACK || ex.outboxReason == null) {
				throw ex;
			}
			if ("UNREACHABLE".equals(ex.outboxReason)) {
				log.warn("{}: {}; written to the local message table for the relay", event, ex.reason);
			}
			else {
				// The breaker's opening was logged; one line per event would flood.
				log.debug("{}: {}; written to the local message table for the relay", event, ex.reason);
			}
			return queue(event, local, ex.outboxReason);
		}
	}

	/**
	 * Sends {@code event} as a half message, runs {@code local} and tells the broker the
	 * outcome; never the local message table. The relay publishes through this.
	 * @throws NotPublished if the broker did not store the half message: the local
	 * transaction did not run and nothing was written
	 */
	public <T> Published<T> sendHalf(OutgoingEvent event, LocalTransaction<T> local) {
		refuseCallersTransaction(event);
		if (!this.breaker.tryAcquirePermission()) {
			throw new NotPublished(event, "the circuit breaker skips the broker after failed sends", null,
					"BREAKER_OPEN");
		}
		String txId = UUID.randomUUID().toString();
		Attempt<T> attempt = new Attempt<>(event, txId, local, null);
		long started = System.nanoTime();
		String sent;
		try {
			sent = this.sender.send(event, txId, attempt::run);
		}
		catch (Exception ex) {
			long took = System.nanoTime() - started;
			sendTimer(event, false).record(took, TimeUnit.NANOSECONDS);
			if (attempt.published == null) {
				this.breaker.onError(took, TimeUnit.NANOSECONDS, ex);
				throw new NotPublished(event, describe(ex), ex, BrokerFailures.notStored(ex) ? "UNREACHABLE" : null);
			}
			this.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
			// The local transaction ran; only telling the broker failed. The check-back
			// settles it.
			log.warn("{}: the broker did not confirm the end of transaction {}: {}", event, txId, ex.toString());
			if (attempt.published.committed()) {
				this.probe.afterBrokerAnswered(event, txId);
			}
			return attempt.published;
		}
		long took = System.nanoTime() - started;
		this.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
		sendTimer(event, attempt.published != null).record(took, TimeUnit.NANOSECONDS);
		if (attempt.published == null) {
			throw new NotPublished(event, "the broker answered " + sent, null, null);
		}
		if (attempt.published.committed()) {
			this.probe.afterBrokerAnswered(event, txId);
		}
		return attempt.published;
	}

	/**
	 * Runs {@code local} and writes {@code event} to the local message table in the same
	 * transaction; no broker is involved.
	 */
	private <T> Published<T> queue(OutgoingEvent event, LocalTransaction<T> local, String reason) {
		String txId = UUID.randomUUID().toString();
		Attempt<T> attempt = new Attempt<>(event, txId, local, reason);
		Published<T> published = attempt.runLocally();
		if (published.committed()) {
			this.meters.counter(OUTBOX_WRITTEN, "kind", event.tag(), "reason", reason).increment();
			this.whenQueued.run();
		}
		return new Published<>(published.status(), published.result(), published.failure(), true);
	}

	private static void refuseCallersTransaction(OutgoingEvent event) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			// Joined to the caller's transaction, "committed" would only mean "not yet
			// rolled back": the broker would be told COMMIT before the rows are.
			throw new IllegalStateException("publish " + event
					+ " outside any transaction: the kit opens the local transaction and must commit it itself");
		}
	}

	/**
	 * Whether the circuit breaker skips the broker now (open after failed sends, or
	 * forced open by an operator).
	 */
	public boolean brokerSkipped() {
		CircuitBreaker.State state = this.breaker.getState();
		return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
	}

	/**
	 * The circuit breaker in front of the broker: its state, and an operator's forced
	 * open (every event to the local message table, the relay paused, e.g. for broker
	 * maintenance) or close.
	 */
	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/** When events go to the local message table. */
	public Outbox outbox() {
		return this.outbox;
	}

	/**
	 * Called after each event written to the local message table commits (the relay's
	 * wake-up).
	 */
	public void whenQueued(Runnable listener) {
		this.whenQueued = listener;
	}

	private Timer sendTimer(OutgoingEvent event, boolean sent) {
		return sendTimer(event.tag(), sent);
	}

	private Timer sendTimer(String kind, boolean sent) {
		return this.meters.timer(HALF_SEND, "kind", kind, "result", sent ? "sent" : "failed");
	}

	private Counter localTransactions(String kind, TransactionResolution answer, boolean failed) {
		return this.meters.counter(LOCAL_TRANSACTIONS, "kind", kind, "answer", answer.name(), "failed",
				String.valueOf(failed));
	}

	/**
	 * Registers the meters of one event type at zero, so that an alert on them has a
	 * series before the first event is sent: every {@link TopicPublisher} declares the
	 * types it publishes.
	 * @param kind the event type (the message tag)
	 */
	public void declare(String kind) {
		for (String reason : List.of("UNREACHABLE", "BREAKER_OPEN", "ALWAYS")) {
			this.meters.counter(OUTBOX_WRITTEN, "kind", kind, "reason", reason);
		}
		this.meters.counter(OutboxRelay.RELAYED, "kind", kind);
		this.meters.counter(OutboxRelay.FAILURES, "kind", kind);
		for (boolean yes : new boolean[] { true, false }) {
			sendTimer(kind, yes);
			for (TransactionResolution answer : TransactionResolution.values()) {
				localTransactions(kind, answer, yes);
			}
		}
	}

	private static String describe(Exception ex) {
		return (ex instanceof MQClientException client && client.getErrorMessage() != null) ? client.getErrorMessage()
				: ex.toString();
	}

	/** The broker did not store the half message: nothing was written. */
	public static class NotPublished extends RuntimeException {

		private final String reason;

		private final String outboxReason;

		NotPublished(OutgoingEvent event, String reason, Throwable cause, String outboxReason) {
			super("the message broker did not take the " + event.tag() + " event for " + event.key() + " (" + reason
					+ "); nothing was written", cause);
			this.reason = reason;
			this.outboxReason = outboxReason;
		}

		/**
		 * Whether no broker stored the half message for certain (unreachable, or skipped
		 * by the circuit breaker), so the event may go to the local message table; false
		 * when it may have been stored (a timeout), or the broker refused it for itself.
		 */
		public boolean notStored() {
			return this.outboxReason != null;
		}

	}

	/**
	 * One local transaction, run by the producer between the half message and its end.
	 */
	private final class Attempt<T> {

		private final OutgoingEvent event;

		private final String txId;

		private final LocalTransaction<T> local;

		/** Why the event goes to the local message table, or null for a half message. */
		private final String queueReason;

		private boolean bodyDone;

		Published<T> published;

		Attempt(OutgoingEvent event, String txId, LocalTransaction<T> local, String queueReason) {
			this.event = event;
			this.txId = txId;
			this.local = local;
			this.queueReason = queueReason;
		}

		TransactionResolution run() {
			try {
				probe.beforeLocalTransaction(this.event, this.txId);
				this.published = runLocally();
			}
			catch (RuntimeException ex) {
				log.warn("{}: transaction {} failed before it began: {}", this.event, this.txId, ex.toString());
				this.published = new Published<>(Status.ROLLED_BACK, null, ex);
			}
			TransactionResolution answer = switch (this.published.status()) {
				case COMMITTED -> TransactionResolution.COMMIT;
				case UNKNOWN -> TransactionResolution.UNKNOWN;
				case ROLLED_BACK, REFUSED_BY_CHECKBACK -> TransactionResolution.ROLLBACK;
			};
			try {
				answer = probe.answer(this.event, this.txId, answer);
			}
			catch (RuntimeException ex) {
				log.warn("{}: answer for transaction {} lost ({}); the check-back settles it", this.event, this.txId,
						ex.toString());
				answer = TransactionResolution.UNKNOWN;
			}
			localTransactions(this.event.tag(), answer, this.published.failure() != null).increment();
			return answer;
		}

		Published<T> runLocally() {
			try {
				Decision<T> decision = transactions.execute(status -> {
					barrier.enter(this.txId);
					Decision<T> decided = this.local.run(this.txId);
					if (decided.commit() && status.isRollbackOnly()) {
						// Something inside failed and its exception was swallowed.
						throw new UnexpectedRollbackException("transaction " + this.txId
								+ " was marked rollback-only inside the local transaction that decided to commit");
					}
					if (!decided.commit()) {
						status.setRollbackOnly();
						return decided;
					}
					if (this.queueReason != null) {
						outbox.rows().insert(this.event, this.txId, this.queueReason);
					}
					probe.beforeCommit(this.event, this.txId);
					this.bodyDone = true;
					return decided;
				});
				return new Published<>(decision.commit() ? Status.COMMITTED : Status.ROLLED_BACK, decision.result(),
						null);
			}
			catch (TransactionAlreadyResolvedException ex) {
				log.warn("{}: a check-back already rolled back transaction {}; nothing written", this.event, this.txId);
				return new Published<>(Status.REFUSED_BY_CHECKBACK, null, ex);
			}
			catch (RuntimeException ex) {
				if (this.bodyDone) {
					log.warn("{}: the COMMIT of transaction {} failed, outcome unknown; the check-back settles it: {}",
							this.event, this.txId, ex.toString());
					return new Published<>(Status.UNKNOWN, null, ex);
				}
				log.warn("{}: local transaction {} failed and rolled back: {}", this.event, this.txId, ex.toString());
				return new Published<>(Status.ROLLED_BACK, null, ex);
			}
		}

	}

	/**
	 * Answers a check-back from the database through the barrier, on any transport.
	 */
	private TransactionResolution answerCheckBack(CheckedMessage message) {
		String txId = message.txId();
		TransactionResolution resolution;
		if (txId == null || txId.isBlank()) {
			// Not one of ours, or a producer bug: keep it visible (UNKNOWN, then the
			// broker's check-max topic) rather than guess either way.
			log.error("check-back for message {} (keys {}) has no '{}' property; answering UNKNOWN",
					message.messageId(), message.keys(), TransactionIds.PROPERTY);
			resolution = TransactionResolution.UNKNOWN;
		}
		else {
			resolution = this.barrier.resolve(txId);
		}
		log.info("check-back: {} {} tx {} -> {}", message.tag(), message.keys(), txId, resolution);
		return resolution;
	}

}
