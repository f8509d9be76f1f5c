package io.txorders.benchmark;

import java.util.Arrays;

import io.txorders.testsupport.RawPublisher;

/**
 * Baseline A: transactional sends with no local work, committed at once (what RocketMQ's
 * own TransactionProducer benchmark measures). Tagged so that no consumer group
 * subscribes to them.
 */
final class RawTransactionalSends implements AutoCloseable {

	static final String TAG = "BenchNoop";

	private final RawPublisher producer;

	private final String topic;

	private final byte[] body = new byte[256];

	RawTransactionalSends(String nameServer, String topic) {
		this.topic = topic;
		Arrays.fill(this.body, (byte) 'x');
		this.producer = new RawPublisher(nameServer, "benchmark-raw-tx");
	}

	Measurement.Operation send() {
		return due -> this.producer.send(this.topic, TAG, null, this.body);
	}

	@Override
	public void close() {
		this.producer.close();
	}

}
