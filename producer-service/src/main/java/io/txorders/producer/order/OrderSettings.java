package io.txorders.producer.order;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where orders are published and how their check-backs are answered.
 *
 * @param topic the transactional topic of order events
 * @param inventoryTopic the topic of inventory's replies
 * @param replyGroup the consumer group reading those replies
 * @param checkbackLockWait how long a check-back waits for a local transaction still open
 */
@ConfigurationProperties("txorders.orders")
public record OrderSettings(String topic, String inventoryTopic, String replyGroup, Duration checkbackLockWait) {
}
