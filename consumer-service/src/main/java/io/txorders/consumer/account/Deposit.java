package io.txorders.consumer.account;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A deposit as its answer shows it: what was deposited, under which key and when (the
 * same on every repeat of the key), and the account as it is now.
 *
 * @param created true the first time (201), false for a repeated key (200)
 * @param customerId whose account
 * @param idempotencyKey the key the deposit was made with
 * @param amount what was deposited
 * @param currency the account's currency
 * @param at when it was deposited
 * @param balance the account's balance now
 * @param frozen the account's frozen part now
 * @param available balance minus frozen, now
 */
public record Deposit(@JsonIgnore boolean created, String customerId, String idempotencyKey, BigDecimal amount,
		String currency, Instant at, BigDecimal balance, BigDecimal frozen, BigDecimal available) {

	static Deposit of(boolean created, String key, AccountMapper.DepositRow row, AccountMapper.Balance account) {
		return new Deposit(created, account.customerId(), key, row.amount(), account.currency(), row.at(),
				account.balance(), account.frozen(), account.balance().subtract(account.frozen()));
	}

}
