package io.txorders.messaging.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.txorders.messaging.outbox.OutboxMode;
import io.txorders.messaging.transport.BrokerConnection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How an application uses the kit ({@code txorders.messaging.*}).
 *
 * @param nameServer the RocketMQ NameServer (host:port; several separated by ';'): the
 * remoting transport's, and the broker watch's admin calls (may be empty with gRPC)
 * @param endpoints the gRPC proxy's endpoints (host:port; several separated by ';'); set,
 * every producer and consumer uses rocketmq-client-java through the proxy instead of
 * remoting
 * @param tls whether the gRPC connection uses TLS (off only for a proxy on loopback or a
 * private network)
 * @param requestTimeout timeout of each call to the broker
 * @param checkbackLockWait how long a check-back waits for a local transaction still open
 * before answering UNKNOWN (the broker asks again)
 * @param producer the transactional producer group, if the application publishes or
 * answers check-backs
 * @param brokerWatch the health component {@code rocketmq} and the lag and dead-letter
 * gauges
 * @param schema whether the kit migrates its tables at start
 * @param outbox the local message table and its relay
 */
@ConfigurationProperties("txorders.messaging")
public record MessagingProperties(String nameServer, String endpoints, @DefaultValue("true") boolean tls,
		@DefaultValue("3s") Duration requestTimeout, @DefaultValue("10s") Duration checkbackLockWait,
		@DefaultValue Producer producer, @DefaultValue BrokerWatch brokerWatch, @DefaultValue Schema schema,
		@DefaultValue Outbox outbox) {

	/** How the producers and consumers reach RocketMQ. */
	public BrokerConnection broker() {
		return new BrokerConnection(this.nameServer, this.endpoints, this.tls);
	}

	/**
	 * @param mode when events go to the local message table: FALLBACK (the broker
	 * unreachable), ALWAYS (outbox-only), OFF
	 * @param breakerOpenFor how long the circuit breaker, once open, sends every event to
	 * the table before it tries the broker again
	 * @param relay the relay that publishes the table
	 */
	public record Outbox(@DefaultValue("FALLBACK") OutboxMode mode, @DefaultValue("5s") Duration breakerOpenFor,
			@DefaultValue Relay relay) {
	}

	/**
	 * @param enabled whether this process relays (every member of the producer group does
	 * by default, the standalone checkback included)
	 * @param threads relay threads in this process
	 * @param batch rows one claim takes
	 * @param pollInterval how often an idle relay looks for due rows
	 * @param lease how long a claim keeps other relays off its rows
	 * @param firstRetry the wait after a row's first failed attempt, doubled after each
	 * @param maxRetryWait the longest wait between two attempts of a row
	 */
	public record Relay(@DefaultValue("true") boolean enabled, @DefaultValue("2") int threads,
			@DefaultValue("50") int batch, @DefaultValue("1s") Duration pollInterval,
			@DefaultValue("30s") Duration lease, @DefaultValue("1s") Duration firstRetry,
			@DefaultValue("1m") Duration maxRetryWait) {
	}

	/**
	 * @param migrate migrate the kit's tables ({@code sql/messaging}, history
	 * {@code messaging_schema_history}) at start; unset, it follows
	 * {@code spring.flyway.enabled} (default true), so one switch covers a database a DBA
	 * migrates by hand
	 */
	public record Schema(Boolean migrate) {
	}

	/**
	 * @param group the transactional producer group; unset, the application has no
	 * publisher
	 * @param topics the topics it publishes to (a member that only answers check-backs
	 * must name them, or the broker never asks it)
	 * @param checkThreads check-backs answered at once
	 * @param answerer how the check-back journal names this process (the admin page shows
	 * who answered); empty means the application's name and the JVM's
	 */
	public record Producer(String group, @DefaultValue List<String> topics, @DefaultValue("4") int checkThreads,
			String answerer) {
	}

	/**
	 * @param interval time between two refreshes; never per message
	 * @param timeout timeout of each admin call
	 * @param topics the topics that must have a route for the health to be UP
	 * @param groups the consumer groups whose lag and dead letters are gauged
	 */
	public record BrokerWatch(@DefaultValue("15s") Duration interval, @DefaultValue("3s") Duration timeout,
			@DefaultValue List<String> topics, @DefaultValue List<String> groups) {
	}

}
