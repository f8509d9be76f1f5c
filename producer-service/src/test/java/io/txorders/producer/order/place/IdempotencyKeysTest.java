package io.txorders.producer.order.place;

import java.util.List;

import io.txorders.producer.order.OrderProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeysTest {

	@ParameterizedTest
	@ValueSource(strings = { "a", "demo-1", "0b8e2c1e-6b1a-4a55-9a2c-2f4d1a8f0c3e", "x!#$%&*+/=?^_`{|}~" })
	void visibleAsciiUpTo64CharactersIsAValidKey(String key) {
		assertThatCode(() -> IdempotencyKeys.check(key)).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "two words", "tab\tkey", "caf\u00e9",
			"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" })
	void emptyLongOrNonAsciiKeysAreRefused(String key) {
		assertThatThrownBy(() -> IdempotencyKeys.check(key)).isInstanceOf(OrderProblems.InvalidOrder.class)
			.hasMessageContaining("Idempotency-Key");
	}

	@Test
	void aKeySentTwiceIsRefusedEvenWhenBothCopiesAreValid() {
		assertThatCode(() -> IdempotencyKeys.checkSentOnce(List.of("k-1"))).doesNotThrowAnyException();
		assertThatThrownBy(() -> IdempotencyKeys.checkSentOnce(List.of("k-1", "k-2")))
			.isInstanceOf(OrderProblems.InvalidOrder.class)
			.hasMessageContaining("sent once");
	}

}
