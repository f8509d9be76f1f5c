package io.txorders.consumer.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which topics consumer-service reads and replies on, and how many threads each group
 * gets. How to reach the broker, the reply producer group and the broker watch are the
 * kit's settings ({@code txorders.messaging.*}).
 *
 * @param orderTopic the topic of order events
 * @param replyTopic the transactional topic of the Try replies (inventory's and
 * payment's)
 * @param inventory the inventory group
 * @param payment the payment group
 * @param points the points group
 */
@ConfigurationProperties("txorders.consumer")
public record ConsumerSettings(String orderTopic, String replyTopic, Group inventory, Group payment, Group points) {

	/**
	 * @param name consumer group name, as created on the broker
	 * @param threads messages applied concurrently
	 */
	public record Group(String name, int threads) {
	}

}
