package io.txorders.consumer.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.messaging.autoconfigure.MessagingProperties;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TransactionalPublisher;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQAdminImpl;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * A consumer group's dead letters ({@code %DLQ%<group>}): messages that failed every
 * attempt. Listing reads the topic without consuming it. Redrive publishes each one back
 * to the topic it came from, transactionally, with its redrive recorded in the same local
 * transaction: each dead letter goes back once, and the dedupe table keeps the effect at
 * most once per group.
 */
@Service
public class DeadLetters {

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	/** How many dead letters one listing shows, or one redrive sends, at most. */
	private static final int LIMIT = 500;

	/** How long one read of a dead-letter topic may take. */
	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	private final ConsumerSettings settings;

	private final String nameServer;

	private final TransactionalPublisher publisher;

	private final Redrives redrives;

	DeadLetters(ConsumerSettings settings, MessagingProperties messaging, TransactionalPublisher publisher,
			Redrives redrives) {
		this.settings = settings;
		this.nameServer = messaging.nameServer();
		this.publisher = publisher;
		this.redrives = redrives;
	}

	/** A dead letter as the admin API shows it. */
	public record DeadLetter(String messageId, String originTopic, String originMessageId, String tag, String key,
			int reconsumeTimes, Instant storedAt, boolean redriven, String body) {
	}

	public List<DeadLetter> list(String group) {
		checkGroup(group);
		Set<String> redriven = Set.copyOf(this.redrives.redrivenIds(group));
		List<DeadLetter> letters = new ArrayList<>();
		read(group, (message) -> {
			letters.add(new DeadLetter(message.getMsgId(), message.getProperty(MessageConst.PROPERTY_DLQ_ORIGIN_TOPIC),
					message.getProperty(MessageConst.PROPERTY_DLQ_ORIGIN_MESSAGE_ID), message.getTags(),
					message.getKeys(), message.getReconsumeTimes(), Instant.ofEpochMilli(message.getStoreTimestamp()),
					redriven.contains(message.getMsgId()),
					abbreviate(new String(message.getBody(), StandardCharsets.UTF_8))));
			return letters.size() < LIMIT;
		});
		return letters;
	}

	/**
	 * Sends every dead letter not sent before back to its topic, at most {@link #LIMIT}
	 * in one call; returns how many went.
	 */
	public int redrive(String group) {
		checkGroup(group);
		Set<String> redriven = Set.copyOf(this.redrives.redrivenIds(group));
		int[] sent = { 0 };
		read(group, (message) -> {
			if (redriven.contains(message.getMsgId())) {
				return true;
			}
			String topic = message.getProperty(MessageConst.PROPERTY_DLQ_ORIGIN_TOPIC);
			if (topic == null || topic.startsWith("%")) {
				topic = this.settings.orderTopic();
			}
			if (redriveOne(group, topic, message)) {
				sent[0]++;
			}
			return sent[0] < LIMIT;
		});
		log.info("group {}: {} dead letter(s) redriven", group, sent[0]);
		return sent[0];
	}

	/**
	 * Publishes one dead letter back with its redrive row. A letter redriven meanwhile
	 * (another call, another instance) finds its row taken and rolls back.
	 */
	private boolean redriveOne(String group, String topic, MessageExt message) {
		OutgoingEvent event = new OutgoingEvent(topic, message.getTags(), message.getKeys(), message.getBody());
		Published<Boolean> published = this.publisher.publish(event,
				(txId) -> (this.redrives.record(group, message.getMsgId()) == 1) ? Decision.commit(true)
						: Decision.rollback(false));
		if (published.failure() != null) {
			throw published.failure();
		}
		return published.committed();
	}

	/**
	 * Hands the group's dead letters, oldest first, to {@code visitor} until it returns
	 * false. Reads every queue of the dead-letter topic up to the end it had when the
	 * read began, so a slow pull cannot cut the list short; letters that arrive during
	 * the read wait for the next one.
	 */
	private void read(String group, Predicate<MessageExt> visitor) {
		String topic = "%DLQ%" + group;
		DefaultLitePullConsumer reader = new DefaultLitePullConsumer(
				"dlq-reader-" + UUID.randomUUID().toString().substring(0, 8));
		reader.setNamesrvAddr(this.nameServer);
		reader.setAutoCommit(false);
		// A new group with no offset starts at the queue's beginning: no seek, which
		// raced the pull assign() starts (a seek drops the batch in hand while the pull
		// after it goes on from where it was, so a read could see the end first).
		reader.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
		try {
			reader.start();
			Collection<MessageQueue> queues;
			try {
				queues = reader.fetchMessageQueues(topic);
			}
			catch (MQClientException ex) {
				// No dead letter yet: the broker creates the topic with the first one.
				return;
			}
			// The reader's own client instance (same config, so the same instance).
			MQAdminImpl admin = MQClientManager.getInstance().getOrCreateMQClientInstance(reader).getMQAdminImpl();
			Map<MessageQueue, Unread> unread = new HashMap<>();
			for (MessageQueue queue : queues) {
				long begin = admin.minOffset(queue);
				long end = admin.maxOffset(queue);
				if (end > begin) {
					unread.put(queue, new Unread(begin, end, new HashSet<>()));
				}
			}
			if (unread.isEmpty()) {
				return;
			}
			reader.assign(unread.keySet());
			long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
			while (!unread.isEmpty()) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("cannot read the dead letters of " + group + ": " + unread.size()
							+ " queue(s) not read to their end within " + READ_TIMEOUT.toSeconds() + " s");
				}
				for (MessageExt message : reader.poll(300)) {
					MessageQueue queue = new MessageQueue(topic, message.getBrokerName(), message.getQueueId());
					Unread left = unread.get(queue);
					long offset = message.getQueueOffset();
					if (left == null || offset < left.begin() || offset >= left.end() || !left.seen().add(offset)) {
						// Outside what was there when the read began, or seen before.
						continue;
					}
					if (!visitor.test(message)) {
						return;
					}
					// Done when every offset has been seen, in whatever order the
					// pulls brought them.
					if (left.seen().size() >= left.end() - left.begin()) {
						unread.remove(queue);
					}
				}
			}
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("cannot read the dead letters of " + group + ": " + ex.getMessage(), ex);
		}
		finally {
			reader.shutdown();
		}
	}

	/** A queue's offsets [begin, end) when the read began, and those seen so far. */
	private record Unread(long begin, long end, Set<Long> seen) {
	}

	private void checkGroup(String group) {
		if (!group.equals(this.settings.inventory().name()) && !group.equals(this.settings.payment().name())
				&& !group.equals(this.settings.points().name())) {
			throw new UnknownGroup(group);
		}
	}

	private static String abbreviate(String body) {
		return (body.length() > 2000) ? body.substring(0, 2000) + "..." : body;
	}

	/** Not a consumer group of this service (404). */
	public static class UnknownGroup extends RuntimeException {

		UnknownGroup(String group) {
			super("no consumer group '" + group + "' in this service");
		}

	}

	@Mapper
	interface Redrives {

		/** 0 if this dead letter was redriven before. */
		@Insert("INSERT IGNORE INTO dlq_redrive (consumer_group, message_id, redriven_at) VALUES (#{group}, #{messageId}, CURRENT_TIMESTAMP(3))")
		int record(@Param("group") String group, @Param("messageId") String messageId);

		@Select("SELECT message_id FROM dlq_redrive WHERE consumer_group = #{group}")
		List<String> redrivenIds(@Param("group") String group);

	}

}
