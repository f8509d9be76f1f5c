package io.txorders.messaging.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * rocketmq-client-java carries the gRPC protocol's classes ({@code apache.rocketmq.v2})
 * built against its shaded protobuf; {@code rocketmq-proto} (which rocketmq-tools and the
 * proxy bring) carries the same classes against plain protobuf. With both on one
 * classpath the client fails with NoSuchMethodError or ClassCastException at its first
 * call. The remoting client (rocketmq-client) carries neither and lives beside either.
 * Checked once, before the first gRPC client is built, so the failure names its cause.
 */
final class GrpcClasspath {

	private static final String PROTOCOL_CLASS = "apache/rocketmq/v2/MessagingServiceGrpc.class";

	private static volatile boolean checked;

	private GrpcClasspath() {
	}

	static void requireOneProtocol() {
		if (checked) {
			return;
		}
		List<URL> copies;
		try {
			copies = Collections.list(GrpcClasspath.class.getClassLoader().getResources(PROTOCOL_CLASS));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (copies.size() > 1) {
			List<String> where = new ArrayList<>();
			copies.forEach((url) -> where.add(url.toString()));
			throw new IllegalStateException("the gRPC transport needs rocketmq-client-java alone on the classpath, "
					+ "but " + PROTOCOL_CLASS + " is there " + copies.size() + " times (" + where
					+ "): exclude rocketmq-proto (brought by rocketmq-tools or rocketmq-proxy)");
		}
		checked = true;
	}

}
