package io.txorders.consumer.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * Accounts as their owners and the admin see them, and deposits. Every write changes the
 * ledger and the account in the same local transaction, so the balance stays the sum of
 * the ledger's balance changes.
 */
@Mapper
interface AccountMapper {

	@Select("SELECT customer_id, currency, balance, frozen FROM account WHERE customer_id = #{customer}")
	Balance balance(@Param("customer") String customer);

	/** The newest movements first. */
	@Select("SELECT entry_type, amount, CAST(order_id AS CHAR) AS order_id, created_at FROM account_ledger WHERE customer_id = #{customer} ORDER BY id DESC LIMIT #{limit}")
	List<AccountView.Movement> latestMovements(@Param("customer") String customer, @Param("limit") int limit);

	/**
	 * What payment's Try froze for orders not yet confirmed or cancelled, oldest first.
	 */
	@Select("SELECT CAST(order_id AS CHAR) AS order_id, amount, currency, created_at FROM payment_hold WHERE customer_id = #{customer} AND status = 'FROZEN' ORDER BY created_at, order_id")
	List<AccountView.Hold> openHolds(@Param("customer") String customer);

	/**
	 * The deposit's ledger row; a duplicate key if this customer used this key before
	 * (uk_account_ledger_deposit). A concurrent request with the same key waits here
	 * until the first one commits or rolls back.
	 */
	@Insert("INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, deposit_key, created_at) VALUES (#{customer}, 'DEPOSIT', #{amount}, #{amount}, 0, #{key}, CURRENT_TIMESTAMP(3))")
	int insertDeposit(@Param("customer") String customer, @Param("amount") BigDecimal amount, @Param("key") String key);

	/** Opens the account with this deposit, or adds it to the balance. */
	@Insert("INSERT INTO account (customer_id, currency, balance, frozen, created_at, updated_at) VALUES (#{customer}, #{currency}, #{amount}, 0, CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE balance = balance + #{amount}, updated_at = CURRENT_TIMESTAMP(3)")
	int credit(@Param("customer") String customer, @Param("currency") String currency,
			@Param("amount") BigDecimal amount);

	/**
	 * The deposit made with this key, read with a lock so that it sees the latest
	 * committed row, not the transaction's snapshot.
	 */
	@Select("SELECT id, amount, created_at FROM account_ledger WHERE customer_id = #{customer} AND deposit_key = #{key} LOCK IN SHARE MODE")
	DepositRow deposit(@Param("customer") String customer, @Param("key") String key);

	/** An account's row: its currency, balance and frozen part. */
	record Balance(String customerId, String currency, BigDecimal balance, BigDecimal frozen) {
	}

	/** A deposit's ledger row. */
	record DepositRow(Long id, BigDecimal amount, Instant at) {
	}

}
