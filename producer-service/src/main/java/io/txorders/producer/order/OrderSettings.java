package io.txorders.producer.order;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where order events are published, where the replies come from, and how long an order
 * may wait for them.
 *
 * @param topic the transactional topic of order events
 * @param replyTopic the topic of the participants' Try replies
 * @param replyGroup the consumer group reading those replies
 * @param replyThreads replies applied concurrently
 * @param confirmTimeout how long a CREATED order waits for every Try reply before it is
 * cancelled with cause TIMED_OUT
 * @param timeoutSweep how often the sweep looks for such orders
 */
@ConfigurationProperties("txorders.orders")
public record OrderSettings(String topic, String replyTopic, String replyGroup, int replyThreads,
		Duration confirmTimeout, Duration timeoutSweep) {
}
