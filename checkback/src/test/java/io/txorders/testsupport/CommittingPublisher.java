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
 * Publishes test messages to transactional topics and commits each at once: a stand-in
 * for another service's replies, or for the duplicates a broker may deliver.
 */
public final class CommittingPublisher implements AutoCloseable {

	private final TransactionMQProducer producer;

	public CommittingPublisher(String nameServer, String group) {
		this.producer = new TransactionMQProducer(group);
		this.producer.setNamesrvAddr(nameServer);
		this.producer.setTransactionListener(new TransactionListener() {
			@Override
			public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
				return LocalTransactionState.COMMIT_MESSAGE;
			}

			@Override
			public LocalTransactionState checkLocalTransaction(MessageExt message) {
				return LocalTransactionState.COMMIT_MESSAGE;
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
		Message message = new Message(topic, tag, key, body.getBytes(StandardCharsets.UTF_8));
		message.putUserProperty("txId", UUID.randomUUID().toString());
		try {
			LocalTransactionState state = this.producer.sendMessageInTransaction(message, null)
				.getLocalTransactionState();
			if (state != LocalTransactionState.COMMIT_MESSAGE) {
				throw new IllegalStateException("test message " + key + " not committed: " + state);
			}
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("test message " + key + " not sent", ex);
		}
	}

	@Override
	public void close() {
		this.producer.shutdown();
	}

}
