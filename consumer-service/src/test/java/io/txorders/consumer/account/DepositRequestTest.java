package io.txorders.consumer.account;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DepositRequestTest {

	@Test
	void anAmountAboveZeroWithAtMostTwoDecimalsUpToTheLimitIsADeposit() {
		assertThat(request("0.01", null).problems()).isEmpty();
		assertThat(request("1000000.00", "USD").problems()).isEmpty();
		assertThat(request("12.500", null).problems()).as("trailing zeros are not decimals").isEmpty();
	}

	@Test
	void anythingElseNamesTheField() {
		assertThat(new DepositRequest(null, null).problems()).extracting(AccountProblems.FieldProblem::field)
			.containsExactly("amount");
		for (String amount : new String[] { "0", "-1.00", "0.001", "1000000.01" }) {
			assertThat(request(amount, null).problems()).as(amount)
				.extracting(AccountProblems.FieldProblem::field)
				.containsExactly("amount");
		}
		for (String currency : new String[] { "eur", "EURO", "", "E1R" }) {
			assertThat(request("1.00", currency).problems()).as(currency)
				.extracting(AccountProblems.FieldProblem::field)
				.containsExactly("currency");
		}
	}

	private static DepositRequest request(String amount, String currency) {
		return new DepositRequest(new BigDecimal(amount), currency);
	}

}
