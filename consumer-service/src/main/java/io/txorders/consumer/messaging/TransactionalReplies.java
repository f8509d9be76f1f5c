package io.txorders.consumer.messaging;

import java.io.IOException;
import java.util.UUID;

import io.txorders.checkback.TransactionBarrier;
import io.txorders.checkback.TransactionIds;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Publishes consumer-service's own events the transactional way: half message first,
 * local transaction, then commit or rollback. The broker's check-backs are answered from
 * the consumer database through the same {@link TransactionBarrier} producer-service
 * uses.
 */
@Component
public class TransactionalReplies implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(TransactionalReplies.class);

	private final ClientServiceProvider provider = ClientServiceProvider.loadService();

	private final Producer producer;

	TransactionalReplies(ConsumerSettings settings, TransactionBarrier barrier) throws ClientException {
		ClientConfiguration configuration = ClientConfiguration.newBuilder()
			.setEndpoints(settings.proxy())
			.setRequestTimeout(settings.requestTimeout())
			.enableSsl(false)
			.build();
		this.producer = this.provider.newProducerBuilder()
			.setClientConfiguration(configuration)
			.setTopics(settings.replyTopic())
			.setTransactionChecker(message -> {
				String txId = message.getProperties().get(TransactionIds.PROPERTY);
				if (txId == null) {
					log.error("check-back for reply {} without '{}' property; answering UNKNOWN",
							message.getMessageId(), TransactionIds.PROPERTY);
					return TransactionResolution.UNKNOWN;
				}
				return switch (barrier.resolve(txId)) {
					case COMMIT -> TransactionResolution.COMMIT;
					case ROLLBACK -> TransactionResolution.ROLLBACK;
					case UNKNOWN -> TransactionResolution.UNKNOWN;
				};
			})
			.build();
	}

	/**
	 * Sends the half message; the caller runs its local transaction, then ends the reply.
	 */
	public Pending begin(String topic, String tag, String key, byte[] body) throws ClientException {
		String txId = UUID.randomUUID().toString();
		Message message = this.provider.newMessageBuilder()
			.setTopic(topic)
			.setTag(tag)
			.setKeys(key)
			.addProperty(TransactionIds.PROPERTY, txId)
			.setBody(body)
			.build();
		Transaction transaction = this.producer.beginTransaction();
		this.producer.send(message, transaction);
		return new Pending(txId, transaction, tag, key);
	}

	@Override
	public void destroy() throws IOException {
		this.producer.close();
	}

	/** A reply whose half message is on the broker, waiting for the local transaction. */
	public record Pending(String txId, Transaction transaction, String tag, String key) {

		public void commit() {
			try {
				this.transaction.commit();
			}
			catch (ClientException ex) {
				// The local transaction committed: the check-back will answer COMMIT.
				log.warn("{} {}: commit not confirmed by the broker, the check-back will settle it: {}", this.tag,
						this.key, ex.toString());
			}
		}

		public void rollback() {
			try {
				this.transaction.rollback();
			}
			catch (ClientException ex) {
				// Nothing was committed locally: the check-back will answer ROLLBACK.
				log.warn("{} {}: rollback not confirmed by the broker, the check-back will settle it: {}", this.tag,
						this.key, ex.toString());
			}
		}

	}

}
