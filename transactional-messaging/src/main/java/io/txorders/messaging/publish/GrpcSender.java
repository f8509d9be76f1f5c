package io.txorders.messaging.publish;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.transport.ProxyUnreachable;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Half messages over gRPC, through the proxy (rocketmq-client-java): a transactional
 * {@link Producer} whose {@code TransactionChecker} answers check-backs through the same
 * barrier. The proxy sends a check-back to a client that publishes the message's topic
 * (its gRPC clients have no producer group of their own), so every process that must
 * answer names its topics.
 * <p>
 * The client cannot start while the proxy is out of reach, and a publisher must (its
 * events wait in the local message table): it is built again every few seconds until it
 * starts, and until then every send fails as unreachable.
 */
final class GrpcSender implements HalfMessageSender {

	private static final Logger log = LoggerFactory.getLogger(GrpcSender.class);

	private static final Duration RETRY_START = Duration.ofSeconds(5);

	private final ClientServiceProvider provider = ClientServiceProvider.loadService();

	private final ClientConfiguration configuration;

	private final String endpoints;

	private final List<String> topics;

	private final CheckBacks checkBacks;

	private volatile Producer producer;

	private ScheduledExecutorService starter;

	GrpcSender(TransactionalPublisher.Settings settings, CheckBacks checkBacks) {
		this.configuration = settings.broker().grpcConfiguration(settings.requestTimeout());
		this.endpoints = settings.broker().endpoints();
		this.topics = List.copyOf(settings.topics());
		this.checkBacks = checkBacks;
	}

	@Override
	public synchronized void start() {
		if (build()) {
			return;
		}
		this.starter = Executors.newSingleThreadScheduledExecutor(
				new ThreadFactoryBuilder().setNameFormat("grpc-producer-start").setDaemon(true).build());
		this.starter.scheduleWithFixedDelay(() -> {
			if (build()) {
				this.starter.shutdown();
			}
		}, RETRY_START.toMillis(), RETRY_START.toMillis(), TimeUnit.MILLISECONDS);
	}

	private synchronized boolean build() {
		if (this.producer != null) {
			return true;
		}
		try {
			this.producer = this.provider.newProducerBuilder()
				.setClientConfiguration(this.configuration)
				.setTopics(this.topics.toArray(String[]::new))
				// One attempt: a retried half message whose first copy was stored after
				// all would be a second half message for one transaction.
				.setMaxAttempts(1)
				.setTransactionChecker(this::check)
				.build();
			log.info("gRPC transactional producer started on {} for topics {}", this.endpoints, this.topics);
			return true;
		}
		catch (ClientException | RuntimeException ex) {
			log.warn(
					"gRPC transactional producer could not start on {} ({}); events go to the local message table "
							+ "until it does, retried every {} s",
					this.endpoints, ex.toString(), RETRY_START.toSeconds());
			return false;
		}
	}

	private org.apache.rocketmq.client.apis.producer.TransactionResolution check(MessageView message) {
		String keys = String.join(" ", message.getKeys());
		TransactionResolution answer = this.checkBacks
			.answer(new CheckedMessage(message.getProperties().get(TransactionIds.PROPERTY),
					message.getTag().orElse(null), keys, String.valueOf(message.getMessageId())));
		return switch (answer) {
			case COMMIT -> org.apache.rocketmq.client.apis.producer.TransactionResolution.COMMIT;
			case ROLLBACK -> org.apache.rocketmq.client.apis.producer.TransactionResolution.ROLLBACK;
			case UNKNOWN -> org.apache.rocketmq.client.apis.producer.TransactionResolution.UNKNOWN;
		};
	}

	@Override
	public synchronized void shutdown() {
		if (this.starter != null) {
			this.starter.shutdownNow();
		}
		if (this.producer != null) {
			try {
				this.producer.close();
			}
			catch (IOException ex) {
				log.warn("gRPC transactional producer on {} did not close cleanly: {}", this.endpoints, ex.toString());
			}
			this.producer = null;
		}
	}

	@Override
	public String send(OutgoingEvent event, String txId, LocalStep local) throws ClientException {
		Producer client = this.producer;
		if (client == null) {
			throw new ProxyUnreachable("the gRPC producer has not started on " + this.endpoints + " yet");
		}
		Message message = this.provider.newMessageBuilder()
			.setTopic(event.topic())
			.setTag(event.tag())
			.setKeys(event.key())
			.addProperty(TransactionIds.PROPERTY, txId)
			.setBody(event.body())
			.build();
		Transaction transaction = client.beginTransaction();
		client.send(message, transaction);
		switch (local.run()) {
			case COMMIT -> transaction.commit();
			case ROLLBACK -> transaction.rollback();
			case UNKNOWN -> {
				// Neither: the broker checks back.
			}
		}
		return "SEND_OK";
	}

	@Override
	public String describe() {
		return "the gRPC proxy at " + this.endpoints;
	}

}
