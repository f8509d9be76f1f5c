package io.txorders.consumer.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.txorders.testsupport.LocalInfra;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;

/**
 * Publishes order events as another service would: through the gRPC proxy with
 * rocketmq-client-java, each in a transaction committed at once.
 */
final class ProxyPublisher {

	private static ProxyPublisher shared;

	private final Producer producer;

	/** The publisher for this test JVM, started on first use and closed when it exits. */
	static synchronized ProxyPublisher shared() throws ClientException {
		if (shared == null) {
			shared = new ProxyPublisher();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "proxy-publisher-close"));
		}
		return shared;
	}

	private ProxyPublisher() throws ClientException {
		this.producer = ClientServiceProvider.loadService()
			.newProducerBuilder()
			.setClientConfiguration(
					ClientConfiguration.newBuilder().setEndpoints(LocalInfra.shared().proxy()).enableSsl(false).build())
			.setTopics("order-events")
			.setTransactionChecker(message -> TransactionResolution.COMMIT)
			.build();
	}

	/** Sends and commits one event on the order topic. */
	void publish(String tag, String key, String body) throws ClientException {
		var message = ClientServiceProvider.loadService()
			.newMessageBuilder()
			.setTopic("order-events")
			.setTag(tag)
			.setKeys(key)
			.addProperty("txId", UUID.randomUUID().toString())
			.setBody(body.getBytes(StandardCharsets.UTF_8))
			.build();
		Transaction transaction = this.producer.beginTransaction();
		this.producer.send(message, transaction);
		transaction.commit();
	}

	private void close() {
		try {
			this.producer.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
