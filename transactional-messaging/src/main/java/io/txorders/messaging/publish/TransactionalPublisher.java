package io.txorders.messaging.publish;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.txorders.messaging.barrier.TransactionAlreadyResolvedException;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.publish.Published.Status;
import io.txorders.messaging.spi.MessagingProbe;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
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
 * A process that only answers check-backs (the standalone checkback) runs one of these
 * and never calls {@link #publish}.
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

	private final TransactionMQProducer producer;

	private final TransactionBarrier barrier;

	private final TransactionTemplate transactions;

	private final MessagingProbe probe;

	private final MeterRegistry meters;

	/**
	 * @param settings the producer group and how to reach the broker
	 * @param barrier the barrier of the database the local transactions write to
	 * @param transactions transactions on that same database
	 * @param probe the test and fault hooks, {@link MessagingProbe#NONE} in production
	 * @param meters where answers and send times are counted
	 */
	public TransactionalPublisher(Settings settings, TransactionBarrier barrier, TransactionTemplate transactions,
			MessagingProbe probe, MeterRegistry meters) {
		this.barrier = barrier;
		this.transactions = transactions;
		this.probe = probe;
		this.meters = meters;
		this.producer = ProducerWakeups.quiet(new TransactionMQProducer(settings.group()));
		this.producer.setNamesrvAddr(settings.nameServer());
		this.producer.setInstanceName(settings.group() + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
		this.producer.setSendMsgTimeout((int) settings.requestTimeout().toMillis());
		// A NameServer slow to answer (a busy host, a restart) should not fail the start.
		this.producer.setMqClientApiTimeout((int) Math.max(settings.requestTimeout().toMillis(), 10_000));
		// A retried half message whose first copy was stored after all would be a second
		// half message for one transaction: its check-back would publish the event twice.
		this.producer.setRetryTimesWhenSendFailed(0);
		// Rejoin within seconds after a broker restart: learn routes and heartbeat often.
		this.producer.setPollNameServerInterval(5_000);
		this.producer.setHeartbeatBrokerInterval(5_000);
		// Without a topic a member that only answers check-backs never learns a broker
		// route, sends no heartbeat, and the broker would not ask it.
		this.producer.setTopics(settings.topics());
		this.producer.setExecutorService(new ThreadPoolExecutor(settings.checkThreads(), settings.checkThreads(), 60,
				TimeUnit.SECONDS, new ArrayBlockingQueue<>(2000),
				new ThreadFactoryBuilder().setNameFormat(settings.group() + "-checkback-%d").setDaemon(true).build()));
		this.producer.setTransactionListener(new Listener());
	}

	/**
	 * The producer group and how to reach the broker.
	 *
	 * @param nameServer the NameServer (host:port; several separated by ';')
	 * @param group the transactional producer group: the broker's check-backs for its
	 * messages go to any member of it
	 * @param topics the topics it publishes to, so that a member that only answers
	 * check-backs is known to the broker
	 * @param requestTimeout timeout of each call to the broker
	 * @param checkThreads check-backs answered at once; each may wait for an open local
	 * transaction
	 */
	public record Settings(String nameServer, String group, List<String> topics, Duration requestTimeout,
			int checkThreads) {
	}

	public void start() {
		try {
			this.producer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("transactional producer group " + this.producer.getProducerGroup()
					+ " could not start against the NameServer at " + this.producer.getNamesrvAddr() + ": "
					+ ex.getErrorMessage(), ex);
		}
		log.info("transactional producer group {} started on {} for topics {}", this.producer.getProducerGroup(),
				this.producer.getNamesrvAddr(), this.producer.getTopics());
	}

	public void shutdown() {
		this.producer.shutdown();
	}

	/**
	 * Sends {@code event} as a half message, runs {@code local} in a database transaction
	 * that begins with the barrier's row, and tells the broker the outcome.
	 * @return the outcome; see {@link Published.Status}
	 * @throws NotPublished if the broker did not store the half message: the local
	 * transaction did not run and nothing was written
	 * @throws IllegalStateException if called inside a transaction: the local transaction
	 * must be the kit's own, committed before the broker hears COMMIT
	 */
	public <T> Published<T> publish(OutgoingEvent event, LocalTransaction<T> local) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			// Joined to the caller's transaction, "committed" would only mean "not yet
			// rolled back": the broker would be told COMMIT before the rows are.
			throw new IllegalStateException("publish " + event
					+ " outside any transaction: the kit opens the local transaction and must commit it itself");
		}
		String txId = UUID.randomUUID().toString();
		Message message = new Message(event.topic(), event.tag(), event.key(), event.body());
		message.putUserProperty(TransactionIds.PROPERTY, txId);
		Attempt<T> attempt = new Attempt<>(event, txId, local);
		Timer.Sample sample = Timer.start(this.meters);
		TransactionSendResult sent;
		try {
			sent = this.producer.sendMessageInTransaction(message, attempt);
		}
		catch (MQClientException | RuntimeException ex) {
			sample.stop(sendTimer(event, false));
			if (attempt.published == null) {
				throw new NotPublished(event, describe(ex), ex);
			}
			// The local transaction ran; only telling the broker failed. The check-back
			// settles it.
			log.warn("{}: the broker did not confirm the end of transaction {}: {}", event, txId, ex.toString());
			if (attempt.published.committed()) {
				this.probe.afterBrokerAnswered(event, txId);
			}
			return attempt.published;
		}
		sample.stop(sendTimer(event, attempt.published != null));
		if (attempt.published == null) {
			throw new NotPublished(event, "the broker answered " + sent.getSendStatus(), null);
		}
		if (attempt.published.committed()) {
			this.probe.afterBrokerAnswered(event, txId);
		}
		return attempt.published;
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

		NotPublished(OutgoingEvent event, String reason, Throwable cause) {
			super("the message broker did not take the " + event.tag() + " event for " + event.key() + " (" + reason
					+ "); nothing was written", cause);
		}

	}

	/**
	 * One local transaction, run by the producer between the half message and its end.
	 */
	private final class Attempt<T> {

		private final OutgoingEvent event;

		private final String txId;

		private final LocalTransaction<T> local;

		private boolean bodyDone;

		Published<T> published;

		Attempt(OutgoingEvent event, String txId, LocalTransaction<T> local) {
			this.event = event;
			this.txId = txId;
			this.local = local;
		}

		LocalTransactionState run() {
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
			return toState(answer);
		}

		private Published<T> runLocally() {
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

	private final class Listener implements TransactionListener {

		@Override
		public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
			return ((Attempt<?>) arg).run();
		}

		@Override
		public LocalTransactionState checkLocalTransaction(MessageExt message) {
			String txId = message.getUserProperty(TransactionIds.PROPERTY);
			TransactionResolution resolution;
			if (txId == null || txId.isBlank()) {
				// Not one of ours, or a producer bug: keep it visible (UNKNOWN, then the
				// broker's check-max topic) rather than guess either way.
				log.error("check-back for message {} (keys {}) has no '{}' property; answering UNKNOWN",
						message.getMsgId(), message.getKeys(), TransactionIds.PROPERTY);
				resolution = TransactionResolution.UNKNOWN;
			}
			else {
				resolution = barrier.resolve(txId);
			}
			log.info("check-back: {} {} tx {} -> {}", message.getTags(), message.getKeys(), txId, resolution);
			return toState(resolution);
		}

	}

	static LocalTransactionState toState(TransactionResolution resolution) {
		return switch (resolution) {
			case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
			case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
			case UNKNOWN -> LocalTransactionState.UNKNOW;
		};
	}

}
