package io.txorders.testsupport;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Collection;

import javax.sql.DataSource;

/**
 * Money for test and benchmark customers, written straight into the consumer database the
 * way a deposit is: the {@code DEPOSIT} ledger row and the account's balance in one
 * transaction per customer, so every balance still equals the sum of its ledger. Without
 * it, every order a customer places ends CANCELLED with {@code PAYMENT_REJECTED}.
 * <p>
 * A stand-in until the admin deposit API exists; the one place tests and the benchmark
 * fund customers, so it is replaced in one place.
 */
public final class Accounts {

	/** The currency of every account opened here, the catalog's. */
	public static final String CURRENCY = "EUR";

	private Accounts() {
	}

	/**
	 * Deposits {@code amount} into each customer's account (opened on the first deposit),
	 * once per customer and {@code depositKey}: a key the customer has already deposited
	 * with changes nothing.
	 * @param consumer the consumer database
	 * @param customers customer ids, as the tokens' subjects name them
	 * @param amount positive, at most two decimals
	 * @param depositKey at most 64 characters; the same key again is a no-op
	 * @return how many deposits were made now
	 */
	public static int deposit(DataSource consumer, Collection<String> customers, BigDecimal amount, String depositKey) {
		if (amount.signum() <= 0) {
			throw new IllegalArgumentException("a deposit must be positive, was " + amount);
		}
		int made = 0;
		try (Connection connection = consumer.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try {
				for (String customer : customers) {
					if (deposit(connection, customer, amount, depositKey)) {
						made++;
					}
				}
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not fund " + customers.size() + " customers: " + ex.getMessage(),
					ex);
		}
		return made;
	}

	/** One customer's deposit, committed; false if the key was used before. */
	private static boolean deposit(Connection connection, String customer, BigDecimal amount, String depositKey)
			throws SQLException {
		try {
			try (PreparedStatement ledger = connection.prepareStatement(
					"INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, "
							+ "deposit_key, created_at) VALUES (?, 'DEPOSIT', ?, ?, 0, ?, NOW(3))")) {
				ledger.setString(1, customer);
				ledger.setBigDecimal(2, amount);
				ledger.setBigDecimal(3, amount);
				ledger.setString(4, depositKey);
				ledger.executeUpdate();
			}
			try (PreparedStatement account = connection.prepareStatement(
					"INSERT INTO account (customer_id, currency, balance, frozen, created_at, updated_at) "
							+ "VALUES (?, '" + CURRENCY + "', ?, 0, NOW(3), NOW(3)) "
							+ "ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance), updated_at = NOW(3)")) {
				account.setString(1, customer);
				account.setBigDecimal(2, amount);
				account.executeUpdate();
			}
			connection.commit();
			return true;
		}
		catch (SQLIntegrityConstraintViolationException ex) {
			connection.rollback();
			if (ex.getMessage() != null && ex.getMessage().contains("uk_account_ledger_deposit")) {
				return false;
			}
			throw ex;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
	}

	/** The customer's balance, or null without an account. */
	public static BigDecimal balance(DataSource consumer, String customer) {
		try (Connection connection = consumer.getConnection();
				PreparedStatement select = connection
					.prepareStatement("SELECT balance FROM account WHERE customer_id = ?")) {
			select.setString(1, customer);
			try (var rows = select.executeQuery()) {
				return rows.next() ? rows.getBigDecimal(1) : null;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
