package io.txorders.messaging.barrier;

/**
 * Thrown inside a local transaction that starts after a check-back already answered
 * ROLLBACK for its transaction id. The caller must roll back its local transaction.
 */
public class TransactionAlreadyResolvedException extends RuntimeException {

	private final String txId;

	public TransactionAlreadyResolvedException(String txId) {
		super("transaction " + txId + " was already resolved as ROLLED_BACK by a check-back");
		this.txId = txId;
	}

	public String txId() {
		return this.txId;
	}

}
