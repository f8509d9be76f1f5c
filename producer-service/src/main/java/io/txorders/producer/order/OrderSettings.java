package io.txorders.producer.order;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where order events are published and where the replies come from.
 *
 * @param topic the transactional topic of order events
 * @param inventoryTopic the topic of inventory's replies
 * @param replyGroup the consumer group reading those replies
 * @param replyThreads replies applied concurrently
 */
@ConfigurationProperties("txorders.orders")
public record OrderSettings(String topic, String inventoryTopic, String replyGroup, int replyThreads) {
}
