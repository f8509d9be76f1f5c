package io.txorders.consumer.account;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.customers.CustomerIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Money paid into a customer's account, once per Idempotency-Key. One local transaction:
 * the ledger row first (its unique customer + key is the idempotency), then the account
 * opened or credited. A repeated key answers the first deposit again; the same key with
 * another amount (or currency) is refused. A currency other than the account's, or a
 * balance beyond {@link DepositRequest#MAX_BALANCE}, rolls everything back.
 */
@Service
class Deposits {

	static final String DEPOSITS = "txorders.payment.deposits";

	private static final Logger log = LoggerFactory.getLogger(Deposits.class);

	/**
	 * What an Idempotency-Key may be, as for orders: 1 to 64 visible ASCII characters.
	 */
	private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,64}");

	/** Concurrent first deposits of one customer can deadlock on opening the account. */
	private static final int ATTEMPTS = 3;

	private final AccountMapper mapper;

	private final TransactionTemplate transactions;

	private final Counter deposits;

	Deposits(AccountMapper mapper, PlatformTransactionManager transactions, MeterRegistry meters) {
		this.mapper = mapper;
		this.transactions = new TransactionTemplate(transactions);
		this.deposits = Counter.builder(DEPOSITS)
			.description("Deposits made into customers' accounts (a repeated Idempotency-Key not counted)")
			.register(meters);
	}

	Deposit deposit(String customer, String key, DepositRequest request) {
		List<AccountProblems.FieldProblem> problems = new ArrayList<>();
		if (!CustomerIds.isValid(customer)) {
			problems
				.add(new AccountProblems.FieldProblem("customer", "is not a customer id (" + CustomerIds.RULE + ")"));
		}
		if (key == null || !KEY.matcher(key).matches()) {
			problems.add(new AccountProblems.FieldProblem("Idempotency-Key",
					"must be 1 to 64 visible ASCII characters (letters, digits, punctuation; no spaces)"));
		}
		problems.addAll(request.problems());
		if (!problems.isEmpty()) {
			throw new AccountProblems.InvalidRequest(problems);
		}
		for (int attempt = 1;; attempt++) {
			try {
				Deposit deposit = this.transactions.execute((status) -> depositOnce(customer, key, request));
				if (deposit.created()) {
					this.deposits.increment();
					log.info("deposit of {} {} into the account of '{}' (key {})", deposit.amount(), deposit.currency(),
							customer, key);
				}
				return deposit;
			}
			catch (PessimisticLockingFailureException ex) {
				// The whole transaction rolled back: nothing written, safe to rerun.
				if (attempt >= ATTEMPTS) {
					throw ex;
				}
				log.debug("deposit into the account of '{}' rolled back by a lock conflict, again", customer, ex);
			}
		}
	}

	private Deposit depositOnce(String customer, String key, DepositRequest request) {
		try {
			this.mapper.insertDeposit(customer, request.amount(), key);
		}
		catch (DuplicateKeyException ex) {
			return replay(customer, key, request);
		}
		String currency = (request.currency() != null) ? request.currency() : Accounts.DEFAULT_CURRENCY;
		this.mapper.credit(customer, currency, request.amount());
		AccountMapper.Balance account = this.mapper.balance(customer);
		if (request.currency() != null && !request.currency().equals(account.currency())) {
			throw new AccountProblems.CurrencyMismatch("the account of '" + customer + "' is in " + account.currency()
					+ "; a deposit in " + request.currency() + " cannot be made into it");
		}
		if (account.balance().compareTo(DepositRequest.MAX_BALANCE) > 0) {
			throw new AccountProblems.InvalidRequest(List.of(new AccountProblems.FieldProblem("amount",
					"would take the balance to " + account.balance().toPlainString() + ", above the most an account "
							+ "may hold (" + DepositRequest.MAX_BALANCE.toPlainString() + ")")));
		}
		return Deposit.of(true, key, this.mapper.deposit(customer, key), account);
	}

	/**
	 * The key was used before by this customer: the same deposit again, or a conflict.
	 */
	private Deposit replay(String customer, String key, DepositRequest request) {
		AccountMapper.DepositRow first = this.mapper.deposit(customer, key);
		AccountMapper.Balance account = this.mapper.balance(customer);
		boolean sameCurrency = request.currency() == null || request.currency().equals(account.currency());
		if (first.amount().compareTo(request.amount()) != 0 || !sameCurrency) {
			throw new AccountProblems.KeyReused(
					"Idempotency-Key '" + key + "' was used for a deposit of " + first.amount().toPlainString() + " "
							+ account.currency() + "; this request is for " + request.amount().toPlainString() + " "
							+ ((request.currency() != null) ? request.currency() : account.currency())
							+ ". Send a new key for a new deposit");
		}
		return Deposit.of(false, key, first, account);
	}

}
