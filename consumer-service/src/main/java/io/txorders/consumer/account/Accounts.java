package io.txorders.consumer.account;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads an account with its latest movements, from one snapshot (a read-only
 * transaction), so the balance and the movements agree. A customer without an account has
 * nothing yet.
 */
@Service
class Accounts {

	/** The currency of an account opened without one named. */
	static final String DEFAULT_CURRENCY = "EUR";

	/** How many movements a view shows. */
	static final int MOVEMENTS = 20;

	private static final BigDecimal ZERO = new BigDecimal("0.00");

	private final AccountMapper mapper;

	Accounts(AccountMapper mapper) {
		this.mapper = mapper;
	}

	/** The customer's own view: no holds. */
	@Transactional(readOnly = true)
	AccountView forCustomer(String customer) {
		return view(customer, null);
	}

	/** The admin's view: with the open holds. */
	@Transactional(readOnly = true)
	AccountView forAdmin(String customer) {
		return view(customer, this.mapper.openHolds(customer));
	}

	private AccountView view(String customer, List<AccountView.Hold> holds) {
		AccountMapper.Balance balance = this.mapper.balance(customer);
		if (balance == null) {
			return new AccountView(customer, DEFAULT_CURRENCY, ZERO, ZERO, ZERO, List.of(), holds);
		}
		return new AccountView(customer, balance.currency(), balance.balance(), balance.frozen(),
				balance.balance().subtract(balance.frozen()), this.mapper.latestMovements(customer, MOVEMENTS), holds);
	}

}
