package io.txorders.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * Loopback port checks, so a clash fails before anything starts and names the option that
 * changes the port.
 */
final class Ports {

	static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private Ports() {
	}

	static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			// Same as the servers do: a port in TIME_WAIT is still bindable for them.
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(LOOPBACK, port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static void requireFree(int port, String what, String option) {
		if (!isFree(port)) {
			throw new StackException("port " + port + " on 127.0.0.1 (" + what + ") is already in use. Stop whatever"
					+ " holds it (ss -ltnp | grep :" + port + ") or choose another with " + option + "=<port> (0 = any"
					+ " free port).");
		}
	}

	static int freePort() {
		return freePort(Set.of());
	}

	/**
	 * A free port that is none of {@code taken}: the system may hand out a port it just
	 * handed out, since nothing is bound to it yet.
	 * @param taken ports already chosen for other servers
	 * @return a free loopback port
	 */
	static int freePort(Set<Integer> taken) {
		for (int attempt = 0; attempt < 50; attempt++) {
			int port = anyFreePort();
			if (!taken.contains(port)) {
				return port;
			}
		}
		throw new StackException("cannot find a free port on 127.0.0.1 that no other server of the stack uses");
	}

	private static int anyFreePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(LOOPBACK, 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new StackException("cannot find a free port on 127.0.0.1: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A free broker port whose fast remoting port (- 2) and HA port (+ 1) are free and
	 * none of {@code taken}.
	 * @param taken ports already chosen for other servers
	 * @return the broker's main port
	 */
	static int freeBrokerPort(Set<Integer> taken) {
		for (int attempt = 0; attempt < 50; attempt++) {
			int port = freePort(taken);
			if (port > 1026 && port < 65535 && !taken.contains(port - 2) && !taken.contains(port + 1)
					&& isFree(port - 2) && isFree(port + 1)) {
				return port;
			}
		}
		throw new StackException("cannot find three free ports for the broker on 127.0.0.1; set --broker-port");
	}

}
