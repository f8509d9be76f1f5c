package io.txorders.producer.order.store;

import java.math.BigDecimal;

/**
 * One line of an order ({@code order_item}).
 *
 * @param orderId the order
 * @param lineNo 1, 2, ... in the order the request listed them
 * @param sku what was ordered
 * @param quantity how many
 * @param unitPrice the price of one
 */
public record OrderItem(long orderId, int lineNo, String sku, int quantity, BigDecimal unitPrice) {
}
