package io.txorders.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Publishes half messages with RocketMQ's own transactional producer and a fixed answer,
 * with no local transaction: COMMIT at once (a stand-in in tests for another service's
 * replies or for the duplicates a broker may deliver, and the benchmark's baseline A), or
 * UNKNOWN for ever (a half message nobody settles, which the broker discards after
 * {@code transactionCheckMax} check-backs). The only transactional producer outside the
 * kit, and never part of a service.
 */
public final class RawPublisher implements AutoCloseable {

	private final TransactionMQProducer producer;

	/** A publisher that commits every message at once. */
	public RawPublisher(String nameServer, String group) {
		this(nameServer, group, LocalTransactionState.COMMIT_MESSAGE);
	}

	/**
	 * @param answer the answer to every local transaction and every check-back
	 */
	public RawPublisher(String nameServer, String group, LocalTransactionState answer) {
		this.producer = new TransactionMQProducer(group);
		this.producer.setNamesrvAddr(nameServer);
		this.producer.setTransactionListener(new TransactionListener() {
			@Override
			public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
				return answer;
			}

			@Override
			public LocalTransactionState checkLocalTransaction(MessageExt message) {
				return answer;
			}
		});
		try {
			this.producer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("test publisher could not start", ex);
		}
	}

	/** Sends and commits; fails the test if the broker did not take it. */
	public void publish(String topic, String tag, String key, String body) {
		try {
			if (!send(topic, tag, key, body.getBytes(StandardCharsets.UTF_8))) {
				throw new IllegalStateException("test message " + key + " not committed");
			}
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("test message " + key + " not sent", ex);
		}
	}

	/**
	 * Sends a half message and answers it with no local work (the benchmark's baseline A
	 * does nothing else).
	 * @return whether the answer was COMMIT
	 */
	public boolean send(String topic, String tag, String key, byte[] body) throws MQClientException {
		Message message = new Message(topic, tag, key, body);
		message.putUserProperty("txId", UUID.randomUUID().toString());
		return this.producer.sendMessageInTransaction(message, null)
			.getLocalTransactionState() == LocalTransactionState.COMMIT_MESSAGE;
	}

	/**
	 * Sends this half message as it is (no {@code txId} added) and answers it with the
	 * fixed answer.
	 * @return the message's id ({@code UNIQ_KEY})
	 */
	public String sendHalf(Message message) throws MQClientException {
		return this.producer.sendMessageInTransaction(message, null).getMsgId();
	}

	@Override
	public void close() {
		this.producer.shutdown();
	}

}
