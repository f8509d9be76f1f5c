package io.txorders.testsupport;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

import static org.awaitility.Awaitility.await;

/**
 * Reads a topic from its first offset, on every queue, to see which messages the broker
 * really delivered (committed half messages appear here; rolled-back ones never do).
 */
public final class TopicProbe implements AutoCloseable {

	private final DefaultLitePullConsumer consumer;

	private final List<MessageExt> seen = new CopyOnWriteArrayList<>();

	public TopicProbe(String nameServer, String topic) {
		this.consumer = new DefaultLitePullConsumer("it-probe-" + UUID.randomUUID().toString().substring(0, 8));
		this.consumer.setNamesrvAddr(nameServer);
		this.consumer.setAutoCommit(false);
		// Plain broker port only; the "VIP" channel (port - 2) adds nothing for a
		// test reader.
		this.consumer.setVipChannelEnabled(false);
		try {
			this.consumer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("cannot start a reader for topic " + topic, ex);
		}
		// A request to a broker that is busy opening a channel can fail once:
		// retry, bounded.
		await("reader assigned to every queue of " + topic).atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.ignoreExceptionsInstanceOf(MQClientException.class)
			.until(() -> {
				Collection<MessageQueue> queues = this.consumer.fetchMessageQueues(topic);
				this.consumer.assign(queues);
				for (MessageQueue queue : queues) {
					this.consumer.seekToBegin(queue);
				}
				return true;
			});
	}

	/**
	 * Polls until a message with each key has been seen; returns the messages seen per
	 * key.
	 */
	public Map<String, List<MessageExt>> awaitKeys(Duration atMost, String... keys) {
		await("messages with keys " + List.of(keys)).atMost(atMost).pollDelay(Duration.ZERO).until(() -> {
			this.seen.addAll(this.consumer.poll(200));
			return List.of(keys).stream().allMatch(key -> !withKey(key).isEmpty());
		});
		Map<String, List<MessageExt>> byKey = new ConcurrentHashMap<>();
		for (String key : keys) {
			byKey.put(key, withKey(key));
		}
		return byKey;
	}

	/**
	 * Polls until a message with this key and tag has been seen; returns all such seen.
	 */
	public List<MessageExt> awaitTagged(Duration atMost, String key, String tag) {
		await("message " + key + " tagged " + tag).atMost(atMost).pollDelay(Duration.ZERO).until(() -> {
			this.seen.addAll(this.consumer.poll(200));
			return !tagged(key, tag).isEmpty();
		});
		return tagged(key, tag);
	}

	private List<MessageExt> tagged(String key, String tag) {
		return withKey(key).stream().filter(message -> tag.equals(message.getTags())).toList();
	}

	/** Polls until a message with this user property value has been seen. */
	public List<MessageExt> awaitProperty(Duration atMost, String name, String value) {
		await("message with " + name + "=" + value).atMost(atMost).pollDelay(Duration.ZERO).until(() -> {
			this.seen.addAll(this.consumer.poll(200));
			return !withProperty(name, value).isEmpty();
		});
		return withProperty(name, value);
	}

	/**
	 * Reads for at least {@code atLeast} and until a poll brings nothing new; returns
	 * every message seen so far.
	 */
	public List<MessageExt> readAll(Duration atLeast) {
		long until = System.nanoTime() + atLeast.toNanos();
		List<MessageExt> batch;
		do {
			batch = this.consumer.poll(500);
			this.seen.addAll(batch);
		}
		while (!batch.isEmpty() || System.nanoTime() < until);
		return List.copyOf(this.seen);
	}

	/** Every message with this user property value seen so far. */
	public List<MessageExt> withProperty(String name, String value) {
		return this.seen.stream().filter(message -> value.equals(message.getUserProperty(name))).toList();
	}

	/** Every message with this key seen so far. */
	public List<MessageExt> withKey(String key) {
		return this.seen.stream()
			.filter(message -> message.getKeys() != null && message.getKeys().equals(key))
			.toList();
	}

	@Override
	public void close() {
		this.consumer.shutdown();
	}

}
