package io.txorders.messaging.barrier;

/**
 * Where a transactional message carries the id of its local transaction.
 */
public final class TransactionIds {

	/**
	 * The user property holding the transaction id, set by every transactional producer
	 * here.
	 */
	public static final String PROPERTY = "txId";

	private TransactionIds() {
	}

}
