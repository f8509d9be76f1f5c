package io.txorders.consumer.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An account as {@code GET /accounts/me} and the admin show it: balance, the part frozen
 * for orders in flight, what is available, and the latest movements, newest first. The
 * admin's view also lists the open holds ({@code holds}); the customer's has none.
 *
 * @param customerId whose account
 * @param currency the account's currency (EUR for a customer without an account yet)
 * @param balance the customer's money
 * @param frozen the part of the balance held for orders not yet confirmed or cancelled
 * @param available balance minus frozen
 * @param movements the latest ledger rows, newest first
 * @param holds the open holds, oldest first (admin only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountView(String customerId, String currency, BigDecimal balance, BigDecimal frozen,
		BigDecimal available, List<Movement> movements, List<Hold> holds) {

	/**
	 * One ledger row: DEPOSIT, FREEZE, CAPTURE, UNFREEZE or REFUND, its amount, its order
	 * (none for a deposit; order ids are strings, as in the order API).
	 */
	public record Movement(String type, BigDecimal amount, String orderId, Instant at) {
	}

	/** Money frozen for an order in flight. */
	public record Hold(String orderId, BigDecimal amount, String currency, Instant at) {
	}

}
