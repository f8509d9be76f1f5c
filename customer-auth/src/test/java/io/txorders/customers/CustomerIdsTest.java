package io.txorders.customers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CustomerIdsTest {

	@Test
	void anIdIsOneTo64LettersDigitsAndAFewMarks() {
		assertThat(CustomerIds.isValid("demo")).isTrue();
		assertThat(CustomerIds.isValid("u-1.a_b:c@d")).isTrue();
		assertThat(CustomerIds.isValid("x".repeat(64))).isTrue();
	}

	@Test
	void anythingElseIsNotACustomerId() {
		assertThat(CustomerIds.isValid(null)).isFalse();
		assertThat(CustomerIds.isValid("")).isFalse();
		assertThat(CustomerIds.isValid("x".repeat(65))).isFalse();
		assertThat(CustomerIds.isValid("a b")).isFalse();
		assertThat(CustomerIds.isValid("a/b")).isFalse();
		assertThat(CustomerIds.isValid("dém")).isFalse();
	}

}
