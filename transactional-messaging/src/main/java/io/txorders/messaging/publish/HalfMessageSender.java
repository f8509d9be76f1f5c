package io.txorders.messaging.publish;

import io.txorders.messaging.barrier.TransactionResolution;

/**
 * The transport under {@link TransactionalPublisher}: sends the half message, runs the
 * local transaction in between, and ends the transaction with its answer; and hands the
 * broker's check-backs to the publisher. One implementation per client:
 * {@link RemotingSender} (rocketmq-client through the NameServer) and {@link GrpcSender}
 * (rocketmq-client-java through the proxy). The rule that decides the answer, the
 * barrier, the local message table and the meters stay above it.
 */
interface HalfMessageSender {

	void start();

	void shutdown();

	/**
	 * Sends {@code event} as a half message carrying {@code txId}; once the broker stored
	 * it, runs {@code local} and ends the transaction with its answer (UNKNOWN: leaves it
	 * to the check-back).
	 * @return the broker's answer to the half message, for the log when it was not stored
	 * without an exception
	 * @throws Exception the client's failure: before {@code local} ran, the half message
	 * was not stored or may have been ({@link BrokerFailures} tells which); after, only
	 * the end of the transaction failed
	 */
	String send(OutgoingEvent event, String txId, LocalStep local) throws Exception;

	/** Where it connects, for logs and errors. */
	String describe();

	/** The local transaction between the half message and its end. */
	@FunctionalInterface
	interface LocalStep {

		TransactionResolution run();

	}

	/** Answers the broker's check-backs. */
	@FunctionalInterface
	interface CheckBacks {

		TransactionResolution answer(CheckedMessage message);

	}

	/**
	 * A half message the broker asks about.
	 *
	 * @param txId the kit's transaction id property, null if it has none
	 * @param tag the event type
	 * @param keys the message's keys
	 * @param messageId the broker's id of it
	 */
	record CheckedMessage(String txId, String tag, String keys, String messageId) {
	}

}
