package io.txorders.consumer.messaging;

import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.txorders.checkback.CheckbackTransactionListener;
import io.txorders.checkback.ProducerWakeups;
import io.txorders.checkback.TransactionBarrier;
import io.txorders.checkback.TransactionIds;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Publishes consumer-service's own events the transactional way, as producer-service
 * does: half message first, then the local transaction (run by
 * {@link #publish(String, String, String, byte[], LocalTransaction)} in the caller's
 * thread), then commit or rollback. The broker's check-backs, to any instance of the
 * producer group, are answered from the consumer database through the same
 * {@link TransactionBarrier} producer-service uses.
 */
@Component
public class TransactionalReplies implements DisposableBean {

	/** Check-backs answered at once; each may wait for an open local transaction. */
	private static final int CHECKBACK_THREADS = 4;

	private final TransactionMQProducer producer;

	TransactionalReplies(ConsumerSettings settings, TransactionBarrier barrier) throws MQClientException {
		CheckbackTransactionListener checkbacks = new CheckbackTransactionListener(barrier);
		this.producer = ProducerWakeups.quiet(new TransactionMQProducer(settings.replyProducerGroup()));
		this.producer.setNamesrvAddr(settings.nameServer());
		this.producer.setSendMsgTimeout((int) settings.requestTimeout().toMillis());
		this.producer.setExecutorService(new ThreadPoolExecutor(CHECKBACK_THREADS, CHECKBACK_THREADS, 60,
				TimeUnit.SECONDS, new ArrayBlockingQueue<>(2000),
				new ThreadFactoryBuilder().setNameFormat("reply-checkback-%d").setDaemon(true).build()));
		this.producer.setTransactionListener(new TransactionListener() {

			@Override
			public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
				return ((Attempt<?>) arg).run();
			}

			@Override
			public LocalTransactionState checkLocalTransaction(MessageExt message) {
				return checkbacks.checkLocalTransaction(message);
			}

		});
		this.producer.start();
	}

	/**
	 * Sends the half message, runs the local transaction, then commits or rolls back the
	 * message as the local transaction decided. A local transaction that throws rolls the
	 * message back and the exception is rethrown here, unless it is a
	 * {@link CommitUnknown}: then the message is left to the check-back.
	 * @return what the local transaction returned
	 * @throws IllegalStateException if the half message could not be sent; the local
	 * transaction did not run
	 */
	public <T> T publish(String topic, String tag, String key, byte[] body, LocalTransaction<T> local) {
		String txId = UUID.randomUUID().toString();
		Message message = new Message(topic, tag, key, body);
		message.putUserProperty(TransactionIds.PROPERTY, txId);
		Attempt<T> attempt = new Attempt<>(txId, local);
		TransactionSendResult sent;
		try {
			sent = this.producer.sendMessageInTransaction(message, attempt);
		}
		catch (MQClientException ex) {
			throw new IllegalStateException(
					"could not send the " + tag + " half message for " + key + ": " + ex.getErrorMessage(), ex);
		}
		if (!attempt.ran) {
			throw new IllegalStateException("the broker did not store the " + tag + " half message for " + key + " ("
					+ sent.getSendStatus() + "); nothing was done");
		}
		if (attempt.failure != null) {
			throw attempt.failure;
		}
		return attempt.decided.result();
	}

	@Override
	public void destroy() {
		this.producer.shutdown();
	}

	/** The local transaction of one reply: what it returns, and the message's fate. */
	@FunctionalInterface
	public interface LocalTransaction<T> {

		/**
		 * @param txId the id under which the check-back finds this transaction
		 */
		Decided<T> run(String txId);

	}

	/**
	 * @param result what {@link #publish} returns
	 * @param commit whether the reply is published (otherwise it is rolled back)
	 */
	public record Decided<T>(T result, boolean commit) {

		public static <T> Decided<T> commit(T result) {
			return new Decided<>(result, true);
		}

		public static <T> Decided<T> rollback(T result) {
			return new Decided<>(result, false);
		}

	}

	/**
	 * Thrown by a local transaction that failed after it may have committed (the COMMIT
	 * itself failed): the message is neither committed nor rolled back, the check-back
	 * learns the outcome from the database.
	 */
	public static class CommitUnknown extends RuntimeException {

		public CommitUnknown(RuntimeException cause) {
			super(cause.getMessage(), cause);
		}

	}

	/**
	 * One local transaction, run by the producer between the half message and its end.
	 */
	static final class Attempt<T> {

		private final String txId;

		private final LocalTransaction<T> local;

		boolean ran;

		Decided<T> decided;

		RuntimeException failure;

		Attempt(String txId, LocalTransaction<T> local) {
			this.txId = txId;
			this.local = local;
		}

		LocalTransactionState run() {
			this.ran = true;
			try {
				this.decided = this.local.run(this.txId);
				return this.decided.commit() ? LocalTransactionState.COMMIT_MESSAGE
						: LocalTransactionState.ROLLBACK_MESSAGE;
			}
			catch (CommitUnknown ex) {
				this.failure = (RuntimeException) ex.getCause();
				return LocalTransactionState.UNKNOW;
			}
			catch (RuntimeException ex) {
				this.failure = ex;
				return LocalTransactionState.ROLLBACK_MESSAGE;
			}
		}

	}

}
