package io.txorders.messaging.transport;

import java.time.Duration;

import org.apache.rocketmq.client.apis.ClientConfiguration;

import org.springframework.util.StringUtils;

/**
 * How the kit reaches RocketMQ: the remoting protocol through the NameServer (the
 * default), or gRPC through the proxy's endpoints ({@code rocketmq-client-java}). Every
 * producer and consumer of one process uses the same one; everything above it (the
 * barrier, the local transaction, the local message table, the dedupe, the meters) is the
 * same code for both.
 *
 * @param nameServer the NameServer (host:port; several separated by ';'), for remoting
 * and for the broker watch's admin calls; may be empty with gRPC
 * @param endpoints the proxy's gRPC endpoints (host:port; several separated by ';'); set,
 * the producers and consumers use gRPC
 * @param tls whether the gRPC connection uses TLS (off only for a proxy on loopback or a
 * private network)
 */
public record BrokerConnection(String nameServer, String endpoints, boolean tls) {

	/** Remoting through the NameServer. */
	public static BrokerConnection remoting(String nameServer) {
		return new BrokerConnection(nameServer, null, false);
	}

	/** gRPC through the proxy's endpoints. */
	public static BrokerConnection grpc(String endpoints, boolean tls) {
		return new BrokerConnection(null, endpoints, tls);
	}

	/** Whether the producers and consumers talk gRPC to the proxy. */
	public boolean grpc() {
		return StringUtils.hasText(this.endpoints);
	}

	/** Whether a NameServer is known (the broker watch's admin calls need one). */
	public boolean hasNameServer() {
		return StringUtils.hasText(this.nameServer);
	}

	/** Where the producers and consumers connect, for logs and errors. */
	public String describe() {
		return grpc() ? "the gRPC proxy at " + this.endpoints + (this.tls ? " (TLS)" : "")
				: "the NameServer at " + this.nameServer;
	}

	/**
	 * The client-java configuration of this connection.
	 * @param requestTimeout timeout of each call to the proxy
	 */
	public ClientConfiguration grpcConfiguration(Duration requestTimeout) {
		GrpcClasspath.requireOneProtocol();
		return ClientConfiguration.newBuilder()
			.setEndpoints(this.endpoints)
			.enableSsl(this.tls)
			.setRequestTimeout(requestTimeout)
			.build();
	}

}
