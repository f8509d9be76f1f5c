package io.txorders.producer.order.store;

import java.util.Set;

/**
 * Where an order is in its life: CREATED -> CONFIRMED -> CANCELLED, or CREATED ->
 * CANCELLED.
 */
public enum OrderStatus {

	CREATED, CONFIRMED, CANCELLED;

	/** Whether an order in this status may move to {@code next}. */
	public boolean canMoveTo(OrderStatus next) {
		return switch (this) {
			case CREATED -> Set.of(CONFIRMED, CANCELLED).contains(next);
			case CONFIRMED -> next == CANCELLED;
			case CANCELLED -> false;
		};
	}

}
