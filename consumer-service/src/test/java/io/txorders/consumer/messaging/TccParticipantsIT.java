package io.txorders.consumer.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.txorders.messaging.consume.Outcome;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.txorders.consumer.messaging.ConsumerFixtures.newOrderId;
import static io.txorders.consumer.messaging.ConsumerFixtures.orderCancelled;
import static io.txorders.consumer.messaging.ConsumerFixtures.orderConfirmed;
import static io.txorders.consumer.messaging.ConsumerFixtures.orderCreated;
import static io.txorders.consumer.messaging.ConsumerFixtures.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The saga's participants on the real broker and database, through the whole TCC: Try
 * (OrderCreated), Confirm (OrderConfirmed), Cancel (OrderCancelled). Payment freezes,
 * captures, unfreezes or refunds; inventory reserves, sells, releases or restocks; points
 * are credited on the Confirm only. Duplicates apply nothing twice, and a Confirm racing
 * a Cancel for one order leaves the order either confirmed-then-reversed or never
 * confirmed, with every ledger agreeing.
 */
@ConsumerServiceTest
class TccParticipantsIT {

	private static final Duration DELIVERY = Duration.ofSeconds(90);

	@Autowired
	private RecordingProbe probe;

	@Autowired
	private JdbcTemplate jdbc;

	@Test
	void aConfirmCapturesSellsAndCreditsOnceAndACancelAfterItReversesAll() throws Exception {
		ConsumerFixtures rows = new ConsumerFixtures(this.jdbc);
		String sku = rows.stockedSku(10);
		String customer = rows.funded("u-confirm", "100.00");
		long orderId = newOrderId();
		tried(orderId, customer, sku);

		publish(OrderConfirmed.TAG, orderConfirmed(orderId, customer, 2, "12.50"));
		publish(OrderConfirmed.TAG, orderConfirmed(orderId, customer, 2, "12.50"));

		await("both Confirms handled by every group").atMost(DELIVERY)
			.until(() -> handled(orderId, "inventory", 3) && handled(orderId, "payment", 3)
					&& handled(orderId, "points", 2));
		// Applied once each (the Try and the Confirm); every other copy, a DUPLICATE.
		assertThat(decisions(orderId, "payment")).containsExactly(Outcome.APPLIED, Outcome.APPLIED);
		assertThat(decisions(orderId, "points")).containsExactly(Outcome.APPLIED);
		assertThat(rows.stock(sku)).as("available, reserved, sold").containsExactly(8, 0, 2);
		assertThat(rows.strings("SELECT status FROM reservation WHERE order_id = ?", orderId)).containsExactly("SOLD");
		assertThat(rows.account(customer)).as("captured once").containsExactly("75.00", "0.00");
		assertThat(rows.strings("SELECT status FROM payment_hold WHERE order_id = ?", orderId))
			.containsExactly("CAPTURED");
		assertThat(rows.strings("SELECT points FROM points_ledger WHERE order_id = ?", orderId)).containsExactly("25");

		publish(OrderCancelled.TAG, orderCancelled(orderId, customer));

		await("the Cancel handled by every group").atMost(DELIVERY)
			.until(() -> handled(orderId, "inventory", 4) && handled(orderId, "payment", 4)
					&& handled(orderId, "points", 3));
		assertThat(rows.stock(sku)).as("restocked").containsExactly(10, 0, 0);
		assertThat(rows.strings("SELECT status FROM reservation WHERE order_id = ?", orderId))
			.containsExactly("RESTOCKED");
		assertThat(rows.account(customer)).as("refunded").containsExactly("100.00", "0.00");
		assertThat(rows.strings("SELECT entry_type FROM account_ledger WHERE order_id = ? ORDER BY id", orderId))
			.containsExactly("FREEZE", "CAPTURE", "REFUND");
		assertThat(rows.ledgerAgrees(customer)).isTrue();
		assertThat(rows.strings("SELECT points FROM points_ledger WHERE order_id = ? ORDER BY id", orderId))
			.containsExactly("25", "-25");
	}

	@Test
	void paymentRejectsATotalItCannotFreezeAndChangesNoAccount() throws Exception {
		ConsumerFixtures rows = new ConsumerFixtures(this.jdbc);
		String sku = rows.stockedSku(10);
		String poor = rows.funded("u-poor", "20.00");
		long short1 = newOrderId();
		long noAccount = newOrderId();

		publish(OrderCreated.TAG, orderCreated(short1, poor, sku, 2, "12.50"));
		publish(OrderCreated.TAG, orderCreated(noAccount, "u-never-deposited-" + noAccount, sku, 1, "12.50"));

		await().atMost(DELIVERY).until(() -> handled(short1, "payment", 1) && handled(noAccount, "payment", 1));
		// A redelivery (a slow machine's) may add a DUPLICATE: never a second decision.
		assertThat(this.probe.outcomes(short1, "payment")).contains(Outcome.REJECTED).doesNotContain(Outcome.APPLIED);
		assertThat(this.probe.outcomes(noAccount, "payment")).contains(Outcome.REJECTED)
			.doesNotContain(Outcome.APPLIED);
		assertThat(rows.strings("SELECT reason FROM payment_rejection WHERE order_id = ?", short1))
			.containsExactly("insufficient funds: 20.00 EUR available, needs 25.00");
		assertThat(rows.strings("SELECT reason FROM payment_rejection WHERE order_id = ?", noAccount)).singleElement()
			.asString()
			.startsWith("insufficient funds: no account");
		assertThat(rows.account(poor)).containsExactly("20.00", "0.00");
		assertThat(rows.count("SELECT COUNT(*) FROM payment_hold WHERE order_id IN (?, ?)", short1, noAccount))
			.isZero();
	}

	@Test
	void aConfirmAndACancelRacingForOneOrderEndWithEverythingGivenBack() throws Exception {
		ConsumerFixtures rows = new ConsumerFixtures(this.jdbc);
		String sku = rows.stockedSku(20);
		String customer = rows.funded("u-race", "200.00");
		List<Long> orders = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			long orderId = newOrderId();
			orders.add(orderId);
			tried(orderId, customer, sku);
		}
		List<CompletableFuture<Void>> sends = new ArrayList<>();
		for (long orderId : orders) {
			sends.add(CompletableFuture
				.runAsync(() -> send(OrderConfirmed.TAG, orderConfirmed(orderId, customer, 2, "12.50"))));
			sends.add(CompletableFuture.runAsync(() -> send(OrderCancelled.TAG, orderCancelled(orderId, customer))));
		}
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

		await("every Confirm and Cancel handled").atMost(DELIVERY)
			.until(() -> orders.stream()
				.allMatch((id) -> decisions(id, "inventory").size() == 3 && decisions(id, "payment").size() == 3
						&& decisions(id, "points").size() == 2));
		for (long orderId : orders) {
			List<Outcome> payment = decisions(orderId, "payment").subList(1, 3);
			String hold = rows.strings("SELECT status FROM payment_hold WHERE order_id = ?", orderId).get(0);
			// Confirm first: captured, refunded. Cancel first: released, Confirm skipped.
			assertThat(hold).as("order %d, payment outcomes %s", orderId, payment).isIn("REFUNDED", "RELEASED");
			assertThat(payment).as("order %d", orderId)
				.containsExactlyInAnyOrderElementsOf(hold.equals("RELEASED") ? List.of(Outcome.APPLIED, Outcome.SKIPPED)
						: List.of(Outcome.APPLIED, Outcome.APPLIED));
			// Each group races on its own: inventory may have seen the other order.
			List<Outcome> inventory = decisions(orderId, "inventory").subList(1, 3);
			String reservation = rows.strings("SELECT status FROM reservation WHERE order_id = ?", orderId).get(0);
			assertThat(reservation).isIn("RESTOCKED", "RELEASED");
			assertThat(inventory).as("order %d", orderId)
				.containsExactlyInAnyOrderElementsOf(reservation.equals("RELEASED")
						? List.of(Outcome.APPLIED, Outcome.SKIPPED) : List.of(Outcome.APPLIED, Outcome.APPLIED));
		}
		assertThat(rows.stock(sku)).as("every unit back").containsExactly(20, 0, 0);
		assertThat(rows.account(customer)).as("every cent back").containsExactly("200.00", "0.00");
		assertThat(rows.ledgerAgrees(customer)).isTrue();
		assertThat(this.jdbc.queryForObject("SELECT COALESCE(SUM(points), 0) FROM points_ledger WHERE order_id IN ("
				+ String.join(",", orders.stream().map(String::valueOf).toList()) + ")", Integer.class))
			.as("points credited only with a debit")
			.isZero();
	}

	/** The order's Try applied by inventory and payment: 2 units at 12.50, frozen. */
	private void tried(long orderId, String customer, String sku) throws Exception {
		publish(OrderCreated.TAG, orderCreated(orderId, customer, sku, 2, "12.50"));
		await("the Try applied").atMost(DELIVERY)
			.until(() -> this.probe.outcomes(orderId, "inventory").contains(Outcome.APPLIED)
					&& this.probe.outcomes(orderId, "payment").contains(Outcome.APPLIED));
	}

	/**
	 * What the group decided for the order, first the Try: its outcomes without the
	 * DUPLICATEs a redelivery adds.
	 */
	private List<Outcome> decisions(long orderId, String group) {
		return this.probe.outcomes(orderId, group).stream().filter((outcome) -> outcome != Outcome.DUPLICATE).toList();
	}

	private boolean handled(long orderId, String group, int messages) {
		return this.probe.outcomes(orderId, group).size() >= messages;
	}

	private static void send(String tag, String[] keyAndBody) {
		try {
			publish(tag, keyAndBody);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
