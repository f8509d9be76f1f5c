package io.txorders.producer.order.place;

import java.math.BigDecimal;

/**
 * The largest order the API accepts, chosen so that every group can apply every accepted
 * order: no consumer overflows (points are an {@code int} per order) and no column or
 * CHECK refuses it ({@code orders.total} is DECIMAL(14, 2), {@code order_item} quantities
 * and stock are INT). A request beyond a limit is refused with 400 naming the limit.
 * Consumers are tested at these values (the property tests of consumer-service).
 */
public final class OrderLimits {

	/** Lines per order; each SKU at most once. */
	public static final int MAX_LINES = 50;

	/** Units per line. */
	public static final int MAX_QUANTITY = 1000;

	/** A line's quantity times the catalog's unit price. */
	public static final BigDecimal MAX_LINE_TOTAL = new BigDecimal("1000000.00");

	/**
	 * The sum of the lines: also the most points one order credits (one per whole
	 * currency unit), far below {@code Integer.MAX_VALUE}.
	 */
	public static final BigDecimal MAX_ORDER_TOTAL = new BigDecimal("10000000.00");

	private OrderLimits() {
	}

}
