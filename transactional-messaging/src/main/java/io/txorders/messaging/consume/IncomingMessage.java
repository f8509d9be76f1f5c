package io.txorders.messaging.consume;

/**
 * What the consumers need of a delivered message besides its body.
 *
 * @param eventType the tag (OrderCreated, OrderCancelled, ...)
 * @param key the business key (the order id), the dedupe key together with group and type
 * @param messageId the broker's id of this copy, recorded for tracing
 * @param deliveryAttempt 1 for the first delivery, more for redeliveries
 */
public record IncomingMessage(String eventType, String key, String messageId, int deliveryAttempt) {
}
