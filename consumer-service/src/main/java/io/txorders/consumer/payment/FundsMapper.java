package io.txorders.consumer.payment;

import java.math.BigDecimal;
import java.time.Instant;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * Payment's SQL: accounts, the holds a Try freezes, and the ledger row of every movement.
 * Each movement changes the account with one guarded statement and writes its ledger row
 * in the same transaction, so balances always equal their ledgers.
 */
@Mapper
public interface FundsMapper {

	/** The account unlocked, to plan from; null if the customer has none. */
	@Select("SELECT customer_id, currency, balance, frozen FROM account WHERE customer_id = #{customer}")
	Account account(@Param("customer") String customer);

	/** The account locked until the transaction ends; null if the customer has none. */
	@Select("SELECT customer_id, currency, balance, frozen FROM account WHERE customer_id = #{customer} FOR UPDATE")
	Account lockAccount(@Param("customer") String customer);

	/**
	 * The Try: freezes {@code amount} if that much is neither spent nor frozen. 0 rows if
	 * the funds are short (or the account is in another currency).
	 */
	@Update("UPDATE account SET frozen = frozen + #{amount}, updated_at = CURRENT_TIMESTAMP(3) "
			+ "WHERE customer_id = #{customer} AND currency = #{currency} AND balance - frozen >= #{amount}")
	int freeze(@Param("customer") String customer, @Param("currency") String currency,
			@Param("amount") BigDecimal amount);

	/** The Confirm: the frozen amount leaves the account. */
	@Update("UPDATE account SET balance = balance - #{amount}, frozen = frozen - #{amount}, "
			+ "updated_at = CURRENT_TIMESTAMP(3) WHERE customer_id = #{customer} AND frozen >= #{amount}")
	int capture(@Param("customer") String customer, @Param("amount") BigDecimal amount);

	/** The Cancel of a Try: the frozen amount is free again. */
	@Update("UPDATE account SET frozen = frozen - #{amount}, updated_at = CURRENT_TIMESTAMP(3) "
			+ "WHERE customer_id = #{customer} AND frozen >= #{amount}")
	int unfreeze(@Param("customer") String customer, @Param("amount") BigDecimal amount);

	/** The Cancel of a confirmed order: the captured amount comes back. */
	@Update("UPDATE account SET balance = balance + #{amount}, updated_at = CURRENT_TIMESTAMP(3) "
			+ "WHERE customer_id = #{customer}")
	int refund(@Param("customer") String customer, @Param("amount") BigDecimal amount);

	@Insert("INSERT INTO payment_hold (order_id, customer_id, amount, currency, status, created_at, updated_at) "
			+ "VALUES (#{orderId}, #{customer}, #{amount}, #{currency}, 'FROZEN', CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))")
	int insertHold(@Param("orderId") long orderId, @Param("customer") String customer,
			@Param("amount") BigDecimal amount, @Param("currency") String currency);

	/** The order's hold, or null (its Try was rejected). */
	@Select("SELECT order_id, customer_id, amount, currency, status FROM payment_hold WHERE order_id = #{orderId}")
	Hold hold(@Param("orderId") long orderId);

	/** Moves the hold on; 0 rows if it was not in {@code from}. */
	@Update("UPDATE payment_hold SET status = #{to}, updated_at = CURRENT_TIMESTAMP(3) "
			+ "WHERE order_id = #{orderId} AND status = #{from}")
	int moveHold(@Param("orderId") long orderId, @Param("from") String from, @Param("to") String to);

	@Insert("INSERT INTO payment_rejection (order_id, customer_id, reason, created_at) "
			+ "VALUES (#{orderId}, #{customer}, #{reason}, CURRENT_TIMESTAMP(3))")
	int insertRejection(@Param("orderId") long orderId, @Param("customer") String customer,
			@Param("reason") String reason);

	/**
	 * A movement of an order's money. The unique (order_id, entry_type) makes a second
	 * one of the same kind fail rather than count twice.
	 */
	@Insert("INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, order_id, "
			+ "created_at) VALUES (#{customer}, #{type}, #{amount}, #{balanceChange}, #{frozenChange}, #{orderId}, "
			+ "CURRENT_TIMESTAMP(3))")
	int insertMovement(@Param("customer") String customer, @Param("type") String type,
			@Param("amount") BigDecimal amount, @Param("balanceChange") BigDecimal balanceChange,
			@Param("frozenChange") BigDecimal frozenChange, @Param("orderId") long orderId);

	/** What the payment gauges show: open holds, their sum and the oldest one's start. */
	@Select("SELECT COUNT(*) AS holds, COALESCE(SUM(amount), 0) AS frozen, MIN(created_at) AS oldest "
			+ "FROM payment_hold WHERE status = 'FROZEN'")
	OpenHolds openHolds();

	/** An account as payment reads it. */
	record Account(String customerId, String currency, BigDecimal balance, BigDecimal frozen) {

		BigDecimal available() {
			return this.balance.subtract(this.frozen);
		}

	}

	/** What a Try froze for an order. */
	record Hold(long orderId, String customerId, BigDecimal amount, String currency, String status) {
	}

	/** The holds still frozen. */
	record OpenHolds(Long holds, BigDecimal frozen, Instant oldest) {
	}

}
