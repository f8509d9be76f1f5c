package io.txorders.checkback;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The standalone checkback process: which producer group it joins and how it answers.
 *
 * @param nameServer RocketMQ NameServer address (host:port)
 * @param producerGroup the transactional producer group whose check-backs it answers
 * @param topics the transactional topics of that group, so the broker knows this member
 * @param checkThreads threads answering check-backs concurrently
 * @param lockWaitTimeout how long a check-back waits for an open local transaction
 */
@ConfigurationProperties("txorders.checkback")
public record CheckbackProperties(String nameServer, String producerGroup, List<String> topics, int checkThreads,
		Duration lockWaitTimeout) {
}
