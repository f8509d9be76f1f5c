package io.txorders.consumer.messaging;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where consumer-service reads from and how many threads each group gets.
 *
 * @param nameServer the NameServer (host:port)
 * @param orderTopic the topic of order events
 * @param replyTopic the transactional topic of inventory's replies
 * @param replyProducerGroup the producer group of the transactional replies: the broker's
 * check-backs for them go to any consumer-service instance
 * @param requestTimeout timeout of each call to the broker
 * @param checkbackLockWait how long a check-back waits for a local transaction still open
 * @param inventory the inventory group
 * @param points the points group
 */
@ConfigurationProperties("txorders.consumer")
public record ConsumerSettings(String nameServer, String orderTopic, String replyTopic, String replyProducerGroup,
		Duration requestTimeout, Duration checkbackLockWait, Group inventory, Group points) {

	/**
	 * @param name consumer group name, as created on the broker
	 * @param threads messages applied concurrently
	 */
	public record Group(String name, int threads) {
	}

}
