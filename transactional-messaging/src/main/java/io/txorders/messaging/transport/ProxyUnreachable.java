package io.txorders.messaging.transport;

/**
 * The gRPC client could not reach the proxy (it has not started yet): nothing was sent.
 */
public class ProxyUnreachable extends RuntimeException {

	public ProxyUnreachable(String message) {
		super(message);
	}

}
