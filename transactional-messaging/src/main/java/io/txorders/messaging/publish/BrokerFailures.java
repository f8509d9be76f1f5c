package io.txorders.messaging.publish;

import java.net.ConnectException;
import java.util.Set;

import io.txorders.messaging.transport.ProxyUnreachable;
import org.apache.rocketmq.client.common.ClientErrorCode;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.java.exception.NotFoundException;
import org.apache.rocketmq.client.java.exception.TooManyRequestsException;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Tells a half message the broker never stored from one it may have stored. Only the
 * first may be written to the local message table instead: a half message that may exist
 * is left to the broker's check-back. The same rule for both transports: remoting's
 * client codes and broker answers, and gRPC's (rocketmq-client-java through the proxy).
 */
public final class BrokerFailures {

	/**
	 * The client's own codes for a send that never reached a broker: no connection, no
	 * broker address, no NameServer, no route for the topic. Not
	 * {@code ACCESS_BROKER_TIMEOUT}: the request may have been stored.
	 */
	private static final Set<Integer> NOT_SENT = Set.of(ClientErrorCode.CONNECT_BROKER_EXCEPTION,
			ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, ClientErrorCode.NO_NAME_SERVER_EXCEPTION,
			ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION);

	/** The broker's answers that it did not store the message because it cannot now. */
	private static final Set<Integer> REFUSED = Set.of(ResponseCode.SYSTEM_BUSY, ResponseCode.SERVICE_NOT_AVAILABLE);

	private BrokerFailures() {
	}

	/**
	 * Whether {@code failure}, thrown by a half-message send, proves that no broker
	 * stored the message: the connection was refused, no route or broker was known, or
	 * the broker answered that it is busy or not available. A timeout proves nothing.
	 * Over gRPC: the proxy could not be connected to (or the client never started), it
	 * knows no route for the topic (404), or it is throttling (429).
	 */
	public static boolean notStored(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof RemotingConnectException || cause instanceof ConnectException
					|| cause instanceof ProxyUnreachable) {
				return true;
			}
			if (cause instanceof NotFoundException || cause instanceof TooManyRequestsException) {
				return true;
			}
			if (cause instanceof MQClientException client && NOT_SENT.contains(client.getResponseCode())) {
				return true;
			}
			if (cause instanceof MQBrokerException broker && REFUSED.contains(broker.getResponseCode())) {
				return true;
			}
		}
		return false;
	}

}
