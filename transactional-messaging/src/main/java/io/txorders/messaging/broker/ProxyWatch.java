package io.txorders.messaging.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health component {@code rocketmq} of a process that reaches RocketMQ only through
 * the gRPC proxy, with no NameServer to ask: UP while every proxy endpoint accepts a
 * connection, checked on a schedule. The proxy offers no admin calls to a client, so
 * routes, lag and dead letters are not watched here (with a NameServer as well,
 * {@link BrokerWatch} watches them); a topic without a route shows up as sends that go to
 * the local message table and as the publisher's circuit breaker.
 * <p>
 * Gauge {@code txorders.broker.reachable}: 1 if the last check reached every endpoint.
 */
public class ProxyWatch implements HealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(ProxyWatch.class);

	private final List<String> endpoints;

	private final Duration interval;

	private final Duration timeout;

	private volatile double reachable;

	private volatile Health health = Health.unknown().withDetail("reason", "not checked yet").build();

	private ScheduledExecutorService scheduler;

	/**
	 * @param endpoints the proxy's endpoints (host:port; several separated by ';')
	 * @param interval time between checks
	 * @param timeout how long a connection may take
	 */
	public ProxyWatch(String endpoints, Duration interval, Duration timeout, MeterRegistry meters) {
		this.endpoints = List.of(endpoints.split("[;,]"));
		this.interval = interval;
		this.timeout = timeout;
		Gauge.builder(BrokerWatch.REACHABLE, this, watch -> watch.reachable)
			.description("1 if the last scheduled check reached the NameServer (or every gRPC proxy endpoint)")
			.register(meters);
	}

	public synchronized void start() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor(
				new ThreadFactoryBuilder().setNameFormat("proxy-watch").setDaemon(true).build());
		this.scheduler.scheduleWithFixedDelay(this::refresh, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

	@Override
	public Health health() {
		return this.health;
	}

	void refresh() {
		Map<String, Object> answers = new LinkedHashMap<>();
		boolean all = true;
		for (String endpoint : this.endpoints) {
			String problem = connect(endpoint.trim());
			answers.put(endpoint.trim(), (problem != null) ? problem : "accepts connections");
			all &= problem == null;
		}
		this.reachable = all ? 1 : 0;
		this.health = (all ? Health.up() : Health.down()).withDetail("proxy", answers)
			.withDetail("checkedAt", Instant.now().toString())
			.build();
		if (!all) {
			log.warn("proxy watch: {}", answers);
		}
	}

	private String connect(String endpoint) {
		int colon = endpoint.lastIndexOf(':');
		if (colon < 0) {
			return "no port in '" + endpoint + "'";
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(endpoint.substring(0, colon),
					Integer.parseInt(endpoint.substring(colon + 1))), (int) this.timeout.toMillis());
			return null;
		}
		catch (IOException | RuntimeException ex) {
			return ex.toString();
		}
	}

}
