package io.txorders.producer.order.confirm;

import java.util.List;

import io.txorders.producer.order.confirm.OrderCoordinator.Next;
import io.txorders.producer.order.confirm.OrderCoordinator.Step;
import io.txorders.producer.order.store.OrderStatus;
import io.txorders.producer.order.store.Participant;
import io.txorders.producer.order.store.TryReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Try replies decide, whatever order they came in: the rule the coordinator
 * applies twice per reply (planned, then under the order's lock).
 */
class OrderCoordinatorTest {

	private static final TryReply INVENTORY_RESERVED = new TryReply(Participant.INVENTORY, true, null);

	private static final TryReply INVENTORY_REJECTED = new TryReply(Participant.INVENTORY, false, "short");

	private static final TryReply PAYMENT_FROZEN = new TryReply(Participant.PAYMENT, true, null);

	private static final TryReply PAYMENT_REJECTED = new TryReply(Participant.PAYMENT, false, "no funds");

	@Test
	void oneReservationWaitsForTheOther() {
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(INVENTORY_RESERVED))).isEqualTo(Next.WAIT);
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(PAYMENT_FROZEN))).isEqualTo(Next.WAIT);
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of())).isEqualTo(Next.WAIT);
	}

	@Test
	void bothReservedConfirmInEitherOrder() {
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(INVENTORY_RESERVED, PAYMENT_FROZEN)))
			.isEqualTo(Next.CONFIRM);
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(PAYMENT_FROZEN, INVENTORY_RESERVED)))
			.isEqualTo(Next.CONFIRM);
	}

	@Test
	void theFirstRejectionCancelsWithItsParticipantsCause() {
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(PAYMENT_REJECTED)))
			.isEqualTo(Next.cancel("PAYMENT_REJECTED"));
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(INVENTORY_RESERVED, PAYMENT_REJECTED)))
			.isEqualTo(Next.cancel("PAYMENT_REJECTED"));
		assertThat(OrderCoordinator.next(OrderStatus.CREATED, List.of(INVENTORY_REJECTED, PAYMENT_REJECTED)))
			.as("the one received first")
			.isEqualTo(Next.cancel("INVENTORY_REJECTED"));
	}

	@Test
	void anOrderThatHasSettledOnlyRecordsReplies() {
		for (OrderStatus settled : List.of(OrderStatus.CONFIRMED, OrderStatus.CANCELLED)) {
			assertThat(OrderCoordinator.next(settled, List.of(INVENTORY_RESERVED, PAYMENT_FROZEN)).step())
				.isEqualTo(Step.WAIT);
			assertThat(OrderCoordinator.next(settled, List.of(PAYMENT_REJECTED)).step()).isEqualTo(Step.WAIT);
		}
	}

}
