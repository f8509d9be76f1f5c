package io.txorders.messaging.publish;

import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerWakeupsTest {

	@Test
	void aStartedProducerBatchesNothingAndHasASecondOfBatchDelay() throws Exception {
		TransactionMQProducer producer = ProducerWakeups.quiet(new TransactionMQProducer("producer-wakeups-test"));
		// Nothing listens there; starting does not need a NameServer.
		producer.setNamesrvAddr("127.0.0.1:1");
		producer.setInstanceName("producer-wakeups-test");
		producer.start();
		try {
			assertThat(producer.getAutoBatch()).isFalse();
			// 10 ms unless quieted: the batching threads sleep half of it.
			assertThat(producer.getBatchMaxDelayMs()).isEqualTo(ProducerWakeups.UNUSED_BATCH_DELAY_MS);
		}
		finally {
			producer.shutdown();
		}
	}

}
