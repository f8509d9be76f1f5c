package io.txorders.benchmark;

import java.util.Arrays;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Baseline A: transactional sends with no local work, committed at once (what RocketMQ's
 * own TransactionProducer benchmark measures). Tagged so that no consumer group
 * subscribes to them.
 */
final class RawTransactionalSends implements AutoCloseable {

	static final String TAG = "BenchNoop";

	private final TransactionMQProducer producer;

	private final String topic;

	private final byte[] body = new byte[256];

	RawTransactionalSends(String nameServer, String topic) throws MQClientException {
		this.topic = topic;
		Arrays.fill(this.body, (byte) 'x');
		this.producer = new TransactionMQProducer("benchmark-raw-tx");
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
		this.producer.start();
	}

	Measurement.Operation send() {
		return due -> this.producer.sendMessageInTransaction(new Message(this.topic, TAG, this.body), null)
			.getLocalTransactionState() == LocalTransactionState.COMMIT_MESSAGE;
	}

	@Override
	public void close() {
		this.producer.shutdown();
	}

}
