package io.txorders.consumer.account;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code {"amount": "100.00", "currency": "EUR"}}: money paid into a customer's account.
 * The currency is optional: the account's, or EUR for a new account.
 *
 * @param amount more than 0, at most 2 decimals, at most {@link #MAX_AMOUNT}
 * @param currency three capital letters, the account's currency
 */
public record DepositRequest(BigDecimal amount, String currency) {

	/** The most one deposit may be. */
	public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000.00");

	/** The most a balance may reach by deposits. */
	public static final BigDecimal MAX_BALANCE = new BigDecimal("1000000000.00");

	private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

	/** What is wrong with this request, field by field; empty if nothing. */
	List<AccountProblems.FieldProblem> problems() {
		List<AccountProblems.FieldProblem> problems = new ArrayList<>();
		if (this.amount == null) {
			problems.add(new AccountProblems.FieldProblem("amount", "is required"));
		}
		else if (this.amount.signum() <= 0) {
			problems.add(new AccountProblems.FieldProblem("amount", "must be more than 0"));
		}
		else if (this.amount.stripTrailingZeros().scale() > 2) {
			problems.add(new AccountProblems.FieldProblem("amount", "must have at most 2 decimals"));
		}
		else if (this.amount.compareTo(MAX_AMOUNT) > 0) {
			problems.add(new AccountProblems.FieldProblem("amount", "must be at most " + MAX_AMOUNT.toPlainString()));
		}
		if (this.currency != null && !CURRENCY.matcher(this.currency).matches()) {
			problems.add(new AccountProblems.FieldProblem("currency", "must be three capital letters (ISO 4217)"));
		}
		return problems;
	}

}
