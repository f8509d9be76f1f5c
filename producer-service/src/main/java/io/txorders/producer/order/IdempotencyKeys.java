package io.txorders.producer.order;

import java.util.List;
import java.util.regex.Pattern;

import io.txorders.producer.order.OrderProblems.FieldProblem;

/**
 * What an Idempotency-Key may be: 1 to 64 visible ASCII characters.
 */
final class IdempotencyKeys {

	private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,64}");

	private IdempotencyKeys() {
	}

	static void check(String key) {
		if (!VALID.matcher(key).matches()) {
			throw invalid("must be 1 to 64 visible ASCII characters (letters, digits, punctuation; no spaces)");
		}
	}

	/**
	 * Refuses a key sent more than once: the servlet container joins the values with
	 * commas, which would make two keys one valid-looking key.
	 */
	static void checkSentOnce(List<String> values) {
		if (values.size() > 1) {
			throw invalid("must be sent once; it was sent " + values.size() + " times");
		}
	}

	private static OrderProblems.InvalidOrder invalid(String message) {
		return new OrderProblems.InvalidOrder(List.of(new FieldProblem(OrderController.IDEMPOTENCY_KEY, message)));
	}

}
