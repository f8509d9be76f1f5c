package io.txorders.producer.order.place;

import java.util.List;
import java.util.regex.Pattern;

import io.txorders.producer.order.OrderProblems;
import io.txorders.producer.order.OrderProblems.FieldProblem;

/**
 * What an Idempotency-Key may be: 1 to 64 visible ASCII characters.
 */
public final class IdempotencyKeys {

	/** The request header that carries the key. */
	public static final String HEADER = "Idempotency-Key";

	private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,64}");

	private IdempotencyKeys() {
	}

	public static void check(String key) {
		if (!VALID.matcher(key).matches()) {
			throw invalid("must be 1 to 64 visible ASCII characters (letters, digits, punctuation; no spaces)");
		}
	}

	/**
	 * Refuses a key sent more than once: the servlet container joins the values with
	 * commas, which would make two keys one valid-looking key.
	 */
	public static void checkSentOnce(List<String> values) {
		if (values.size() > 1) {
			throw invalid("must be sent once; it was sent " + values.size() + " times");
		}
	}

	private static OrderProblems.InvalidOrder invalid(String message) {
		return new OrderProblems.InvalidOrder(List.of(new FieldProblem(HEADER, message)));
	}

}
