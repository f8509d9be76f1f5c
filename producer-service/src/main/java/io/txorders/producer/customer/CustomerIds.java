package io.txorders.producer.customer;

/**
 * The order package's name for {@link io.txorders.customers.CustomerIds}, the one rule
 * for customer ids every service shares. The constants are the shared ones, so request
 * annotations can still use them.
 */
public final class CustomerIds {

	/** The pattern request fields that name a customer are validated with. */
	public static final String PATTERN = io.txorders.customers.CustomerIds.PATTERN;

	public static final int MAX_LENGTH = io.txorders.customers.CustomerIds.MAX_LENGTH;

	public static final String RULE = io.txorders.customers.CustomerIds.RULE;

	private CustomerIds() {
	}

	public static boolean isValid(String id) {
		return io.txorders.customers.CustomerIds.isValid(id);
	}

}
