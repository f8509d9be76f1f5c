package io.txorders.customers;

import java.util.regex.Pattern;

/**
 * What a customer id may be: a token's subject, stored in {@code orders.user_id} and
 * {@code account.customer_id} (VARCHAR(64), compared byte for byte). Paths and fields
 * that name a customer are checked against the same rule.
 */
public final class CustomerIds {

	/** The pattern request fields that name a customer are validated with. */
	public static final String PATTERN = "[A-Za-z0-9._:@-]*";

	public static final int MAX_LENGTH = 64;

	public static final String RULE = "at most 64 letters, digits and . _ : @ -";

	private static final Pattern VALID = Pattern.compile(PATTERN);

	private CustomerIds() {
	}

	public static boolean isValid(String id) {
		return id != null && !id.isEmpty() && id.length() <= MAX_LENGTH && VALID.matcher(id).matches();
	}

}
