package io.txorders.messaging.publish;

import org.apache.rocketmq.client.producer.DefaultMQProducer;

/**
 * Quiets the two threads RocketMQ's client starts with every producer for auto-batching
 * (its ProduceAccumulator), which no producer here uses. They start even with
 * auto-batching off and each sleeps half the batch delay, 10 ms by default, between
 * wake-ups: 400 a second per JVM, a visible share of an idle process's CPU. With
 * auto-batching off the delay changes nothing else (docs/performance.md has the figures).
 */
public final class ProducerWakeups {

	/** The batch delay given to producers that never batch. */
	public static final int UNUSED_BATCH_DELAY_MS = 1_000;

	private ProducerWakeups() {
	}

	/**
	 * Sets the batch delay of a producer that does not auto-batch, so its batching
	 * threads wake twice a second; before or after start.
	 */
	public static <P extends DefaultMQProducer> P quiet(P producer) {
		producer.batchMaxDelayMs(UNUSED_BATCH_DELAY_MS);
		return producer;
	}

}
