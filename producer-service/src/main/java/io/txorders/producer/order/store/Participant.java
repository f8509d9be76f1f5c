package io.txorders.producer.order.store;

/**
 * The saga's TCC participants: each must reserve its part (its Try) before the order is
 * confirmed. The cause of a cancel names the one that refused.
 */
public enum Participant {

	INVENTORY("INVENTORY_REJECTED"), PAYMENT("PAYMENT_REJECTED");

	private final String rejectedCause;

	Participant(String rejectedCause) {
		this.rejectedCause = rejectedCause;
	}

	/** The cause the order's history gives when this participant refused. */
	public String rejectedCause() {
		return this.rejectedCause;
	}

}
