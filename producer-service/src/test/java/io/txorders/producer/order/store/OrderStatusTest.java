package io.txorders.producer.order.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderStatusTest {

	@Test
	void aCreatedOrderMayBeConfirmedOrCancelled() {
		assertThat(OrderStatus.CREATED.canMoveTo(OrderStatus.CONFIRMED)).isTrue();
		assertThat(OrderStatus.CREATED.canMoveTo(OrderStatus.CANCELLED)).isTrue();
		assertThat(OrderStatus.CREATED.canMoveTo(OrderStatus.CREATED)).isFalse();
	}

	@Test
	void aConfirmedOrderMayOnlyBeCancelled() {
		assertThat(OrderStatus.CONFIRMED.canMoveTo(OrderStatus.CANCELLED)).isTrue();
		assertThat(OrderStatus.CONFIRMED.canMoveTo(OrderStatus.CREATED)).isFalse();
		assertThat(OrderStatus.CONFIRMED.canMoveTo(OrderStatus.CONFIRMED)).isFalse();
	}

	@Test
	void aCancelledOrderIsFinal() {
		for (OrderStatus next : OrderStatus.values()) {
			assertThat(OrderStatus.CANCELLED.canMoveTo(next)).as("CANCELLED -> " + next).isFalse();
		}
	}

}
