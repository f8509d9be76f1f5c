package io.txorders.invariants;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.txorders.testsupport.LocalInfra;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The saga's invariants (Try, then Confirm or Cancel, in inventory, payment and points)
 * against the real databases: every path of a consistent saga passes, and each promise
 * broken in the rows it left is found under its kind.
 */
class SagaInvariantsIT {

	private static final LocalInfra infra = LocalInfra.shared();

	private final JdbcTemplate orders = new JdbcTemplate(infra.ordersDataSource());

	private final JdbcTemplate consumer = new JdbcTemplate(infra.consumerDataSource());

	private final DatabaseInvariants database = new DatabaseInvariants(infra.ordersDataSource(),
			infra.consumerDataSource());

	private final SagaRows saga = new SagaRows(this.orders, this.consumer);

	private Map<String, Integer> stockBaseline;

	private BigDecimal fundsBaseline;

	@BeforeEach
	void aCustomerWithMoneyAndNoOrders() {
		this.saga.empty();
		this.saga.deposit(SagaRows.CUSTOMER, "500.00");
		this.stockBaseline = this.database.stockUnits();
		this.fundsBaseline = this.database.funds();
	}

	@Test
	void everyPathOfAConsistentSagaPasses() {
		this.saga.confirmedOrder(1, "BOOK-001", 2, "15.00");
		// Confirmed, then cancelled by the customer: restocked, refunded, points undone.
		this.saga.confirmedOrder(2, "MUG-001", 1, "9.50");
		this.saga.cancelled(2, "USER_CANCELLED");
		// Payment refused: inventory releases what it reserved.
		this.saga.placed(3, "BOOK-002", 1, "20.00");
		this.saga.inventoryReserved(3);
		this.saga.paymentRejected(3);
		this.saga.cancelled(3, "PAYMENT_REJECTED");
		// Inventory refused: payment unfreezes.
		this.saga.placed(4, "LAST-ONE", 5, "3.00");
		this.saga.paymentFrozen(4);
		this.saga.inventoryRejected(4);
		this.saga.cancelled(4, "INVENTORY_REJECTED");
		// No payment reply in time: cancelled; payment and points saw only the cancel.
		this.saga.placed(5, "STICKER-1", 3, "1.00");
		this.saga.inventoryReserved(5);
		this.saga.cancelled(5, "TIMED_OUT");
		// Cancelled by the customer before any Try came.
		this.saga.placed(6, "TSHIRT-M", 1, "12.00");
		this.saga.cancelled(6, "USER_CANCELLED");

		Report report = check();

		assertThat(report.ok()).as(report.toString()).isTrue();
		assertThat(report.figures()).containsEntry("orders CONFIRMED", 1)
			.containsEntry("orders CANCELLED", 5)
			.containsEntry("payment holds CAPTURED", 1)
			.containsEntry("payment holds REFUNDED", 1)
			.containsEntry("payment holds RELEASED", 1)
			.containsEntry("accounts balance", "470.00")
			.containsEntry("funds (balances + confirmed totals - deposits)", new BigDecimal("0.00"));
		assertThat(this.database.effectsSettling()).isZero();
		assertThat(this.database.reconcile().ok()).isTrue();
	}

	@Test
	void stockWhoseSoldCountIsNotItsSoldReservationsIsFound() {
		this.saga.confirmedOrder(1, "BOOK-001", 2, "15.00");
		this.consumer.update("UPDATE stock SET sold = sold + 1 WHERE sku = 'BOOK-001'");
		this.consumer.update("UPDATE stock SET reserved = reserved + 1 WHERE sku = 'MUG-001'");

		Report report = check();

		int book = this.stockBaseline.get("BOOK-001");
		assertThat(report.violations().get(DatabaseInvariants.STOCK)).hasSize(4)
			.anyMatch((v) -> v.contains("BOOK-001: sold 3 but sold reservations sum to 2"))
			.anyMatch((v) -> v.contains("MUG-001: reserved 1 but live reservations sum to 0"))
			.anyMatch((v) -> v
				.contains("BOOK-001: available + reserved + sold is " + (book + 1) + ", was " + book + " before"))
			.anyMatch((v) -> v.contains("MUG-001: available + reserved + sold is"));
	}

	@Test
	void aConfirmedOrderNotSoldCapturedOrCreditedIsFound() {
		this.saga.placed(1, "BOOK-001", 2, "15.00");
		this.saga.inventoryReserved(1);
		this.saga.paymentFrozen(1);
		// The coordinator confirmed, but no group applied its Confirm.
		this.orders.update("UPDATE orders SET status = 'CONFIRMED' WHERE id = 1");
		this.saga.history(1, "CREATED", "CONFIRMED", "ALL_RESERVED");

		Report report = check();

		assertThat(report.violations().get(DatabaseInvariants.LOST_EFFECT))
			.anyMatch((v) -> v.contains("group inventory is APPLIED, not CONFIRMED"))
			.anyMatch((v) -> v.contains("group payment is APPLIED, not CONFIRMED"))
			.anyMatch((v) -> v.contains("group points is null, not APPLIED or CONFIRMED"))
			.anyMatch((v) -> v.contains("reservations {BOOK-001=2 RESERVED}") && v.contains("not all SOLD"))
			.anyMatch((v) -> v.contains("payment hold is FROZEN, not CAPTURED"))
			.anyMatch((v) -> v.contains("no CAPTURE in the account ledger"))
			.anyMatch((v) -> v.contains("no points credit"));
		// The shop counts 30.00 it never took.
		assertThat(report.violations().get(DatabaseInvariants.FUNDS)).containsExactlyInAnyOrder(
				"1 payment holds still FROZEN (30.00) once quiet, orders 1",
				"balances + confirmed totals - deposits is 30.00, was 0.00 before: 30.00 created or lost");
		assertThat(this.database.effectsSettling()).isOne();
	}

	@Test
	void aConfirmedOrderAlsoRefundedOrDebitedIsFound() {
		this.saga.confirmedOrder(1, "BOOK-001", 2, "15.00");
		this.saga.ledger(1, "REFUND", new BigDecimal("30.00"), new BigDecimal("30.00"), BigDecimal.ZERO);
		this.consumer.update("UPDATE account SET balance = balance + 30 WHERE customer_id = ?", SagaRows.CUSTOMER);
		this.consumer.update("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) "
				+ "VALUES (1, ?, -30, 'DEBIT', NOW(3))", SagaRows.CUSTOMER);

		Report report = check();

		assertThat(report.violations().get(DatabaseInvariants.CONTRADICTED))
			.anyMatch((v) -> v.contains("order 1 (CONFIRMED) is confirmed but the ledger holds its REFUND"))
			.anyMatch((v) -> v.contains("order 1 (CONFIRMED) is confirmed but its points were debited"));
		// The accounts still equal their ledgers, but 30.00 came from nowhere.
		assertThat(report.violations().get(DatabaseInvariants.FUNDS))
			.anyMatch((v) -> v.contains("has ledger entries {CAPTURE=30.00, FREEZE=30.00, REFUND=30.00}"))
			.anyMatch((v) -> v.contains("was 0.00 before: 30.00 created or lost"))
			.noneMatch((v) -> v.contains("its ledger sums to"));
	}

	@Test
	void aCancelledOrderStillSoldCapturedOrCreditedIsFound() {
		this.saga.confirmedOrder(1, "BOOK-001", 2, "15.00");
		// The coordinator cancelled, but no group applied its Cancel.
		this.orders.update("UPDATE orders SET status = 'CANCELLED' WHERE id = 1");
		this.saga.history(1, "CONFIRMED", "CANCELLED", "USER_CANCELLED");
		// Another cancelled order refunded without its REFUND entry in the ledger.
		this.saga.confirmedOrder(2, "MUG-001", 1, "10.00");
		this.saga.cancelled(2, "USER_CANCELLED");
		this.consumer.update("DELETE FROM account_ledger WHERE order_id = 2 AND entry_type = 'REFUND'");

		Report report = check();

		assertThat(report.violations().get(DatabaseInvariants.NOT_COMPENSATED))
			.anyMatch((v) -> v.contains("order 1 (CANCELLED): group payment is still CONFIRMED"))
			.anyMatch((v) -> v.contains("order 1 (CANCELLED) still has 2 BOOK-001 sold, not restocked"))
			.anyMatch((v) -> v.contains("order 1 (CANCELLED) keeps 30.00 captured, not refunded"))
			.anyMatch((v) -> v.contains("order 1 (CANCELLED) keeps 30 points"))
			.noneMatch((v) -> v.contains("order 2"));
		assertThat(report.violations().get(DatabaseInvariants.FUNDS))
			.anyMatch((v) -> v.contains("payment hold of order 2 (REFUNDED, 10.00) has ledger entries "
					+ "{CAPTURE=10.00, FREEZE=10.00}, expected [CAPTURE, FREEZE, REFUND]"))
			.anyMatch((v) -> v.contains("account alice: balance 470.00 but its ledger sums to 460.00"));
	}

	@Test
	void pointsCreditedOnAnOrderNeverConfirmedAreFound() {
		// Points credited on creation, as before payment: only a confirm may credit them.
		this.saga.placed(1, "BOOK-001", 1, "15.00");
		this.saga.inventoryReserved(1);
		this.saga.paymentFrozen(1);
		this.consumer.update("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) "
				+ "VALUES (1, ?, 15, 'CREDIT', NOW(3))", SagaRows.CUSTOMER);
		this.saga.cancelled(1, "TIMED_OUT");

		Report report = check();

		assertThat(report.violations().get(DatabaseInvariants.CONTRADICTED)).singleElement()
			.asString()
			.contains("order 1 (CANCELLED) was credited points although it was never confirmed");
	}

	@Test
	void anOrderStillCreatedIsNotFinalOnceQuietAndWhileTakingOrdersOnlyPastTheTimeout() {
		this.saga.placed(1, "BOOK-001", 1, "15.00");
		this.saga.placed(2, "BOOK-001", 1, "15.00", Instant.now().minus(Duration.ofMinutes(20)));
		this.saga.inventoryReserved(2);
		this.saga.paymentFrozen(2);

		assertThat(check().violations().get(DatabaseInvariants.NOT_FINAL)).hasSize(2);

		Report live = this.database.reconcile();
		assertThat(live.figures()).containsEntry("orders in flight", 1);
		assertThat(live.violations().get(DatabaseInvariants.NOT_FINAL)).singleElement()
			.asString()
			.contains("order 2 (CREATED) never reached CONFIRMED or CANCELLED, placed 120")
			.contains("confirmation timeout 900 s");
		// A FROZEN hold is in flight while the system takes orders.
		assertThat(live.violations().get(DatabaseInvariants.FUNDS)).isEmpty();
	}

	@Test
	void accountsThatDoNotEqualTheirLedgerOrTheirHoldsAreFound() {
		this.saga.placed(1, "BOOK-001", 1, "15.00");
		this.saga.inventoryReserved(1);
		this.saga.paymentFrozen(1);
		this.saga.deposit("bob", "40.00");
		this.consumer.update("UPDATE account SET balance = balance + 5 WHERE customer_id = 'bob'");
		this.consumer.update("UPDATE payment_hold SET status = 'RELEASED' WHERE order_id = 1");
		this.consumer.update("INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, "
				+ "frozen_change, deposit_key, created_at) VALUES ('carol', 'DEPOSIT', 7, 0, 7, 'k', NOW(3))");

		Report report = new Report();
		this.database.check(report, Map.of(), null);

		assertThat(report.violations().get(DatabaseInvariants.FUNDS))
			.anyMatch((v) -> v.contains("account bob: balance 45.00 but its ledger sums to 40.00"))
			.anyMatch((v) -> v.contains("account alice: frozen 15.00 but its FROZEN holds sum to 0.00"))
			.anyMatch((v) -> v.contains("(DEPOSIT of 7.00 for carol, order null) changes balance by 0.00"))
			.anyMatch((v) -> v.contains("ledger entries for customer carol, who has no account"))
			.anyMatch((v) -> v.contains("payment hold of order 1 (RELEASED, 15.00) has ledger entries "
					+ "{FREEZE=15.00}, expected [FREEZE, UNFREEZE]"))
			.anyMatch((v) -> v.contains("balances sum to 545.00 but deposits - captures + refunds are 547.00"));
	}

	@Test
	void anOrderDecidedAgainstItsTryRepliesIsFound() {
		// Confirmed although payment refused.
		this.saga.placed(1, "BOOK-001", 1, "15.00");
		this.saga.inventoryReserved(1);
		this.saga.paymentRejected(1);
		this.orders.update("UPDATE orders SET status = 'CONFIRMED' WHERE id = 1");
		this.saga.history(1, "CREATED", "CONFIRMED", "ALL_RESERVED");
		// Cancelled as rejected by payment, which never answered.
		this.saga.placed(2, "BOOK-001", 1, "15.00");
		this.saga.inventoryReserved(2);
		this.saga.cancelled(2, "PAYMENT_REJECTED");
		// Payment replied RESERVED without a hold.
		this.saga.placed(3, "BOOK-001", 1, "15.00");
		this.saga.inventoryRejected(3);
		this.saga.reply(3, "PAYMENT", "RESERVED");
		this.saga.cancelled(3, "INVENTORY_REJECTED");

		Report report = check();

		assertThat(report.violations().get(DatabaseInvariants.TRY_REPLIES)).hasSize(3)
			.anyMatch((v) -> v.contains("order 1 (CONFIRMED) was confirmed but PAYMENT replied REJECTED"))
			.anyMatch((v) -> v
				.contains("order 2 (CANCELLED) was cancelled as PAYMENT_REJECTED but payment replied" + " nothing"))
			.anyMatch((v) -> v.contains("order 3 (CANCELLED): PAYMENT replied RESERVED but recorded no such"));
		assertThat(report.violations().get(DatabaseInvariants.CONTRADICTED))
			.anyMatch((v) -> v.contains("order 1 (CONFIRMED) is confirmed although payment rejected it"));
	}

	@Test
	void aPaymentHoldOrLedgerEntryWithoutAnOrderIsAnOrphan() {
		this.saga.confirmedOrder(1, "BOOK-001", 1, "15.00");
		this.consumer.update("UPDATE payment_hold SET order_id = 77 WHERE order_id = 1");
		this.consumer.update("UPDATE account_ledger SET order_id = 77 WHERE order_id = 1");

		Report report = check();

		assertThat(report.violations().get(DatabaseInvariants.ORPHANS)).singleElement().asString().contains("order 77");
		assertThat(report.violations().get(DatabaseInvariants.LOST_EFFECT))
			.anyMatch((v) -> v.contains("order 1 (CONFIRMED) has no payment hold"));
	}

	private Report check() {
		Report report = new Report();
		this.database.check(report, this.stockBaseline, this.fundsBaseline);
		return report;
	}

}
