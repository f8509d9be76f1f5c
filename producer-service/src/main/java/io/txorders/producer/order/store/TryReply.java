package io.txorders.producer.order.store;

/**
 * A participant's reply to an order's Try, as the coordinator recorded it (one per order
 * and participant, {@code order_try_reply}).
 */
public record TryReply(Participant participant, boolean reserved, String reason) {
}
