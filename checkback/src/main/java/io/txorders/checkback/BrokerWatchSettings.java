package io.txorders.checkback;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How often {@link BrokerWatch} asks the broker for routes and stats, and how long each
 * call may take.
 *
 * @param interval time between two refreshes
 * @param timeout timeout of each admin call
 */
@ConfigurationProperties("txorders.broker-watch")
public record BrokerWatchSettings(Duration interval, Duration timeout) {
}
