package io.txorders.consumer.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.txorders.checkback.TransactionBarrier;
import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.TransactionalReplies;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

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

	/** How many dead letters one listing or redrive reads at most. */
	private static final int LIMIT = 500;

	private final ConsumerSettings settings;

	private final TransactionalReplies publisher;

	private final TransactionBarrier barrier;

	private final Redrives redrives;

	private final TransactionTemplate transactions;

	DeadLetters(ConsumerSettings settings, TransactionalReplies publisher, TransactionBarrier barrier,
			Redrives redrives, TransactionTemplate transactions) {
		this.settings = settings;
		this.publisher = publisher;
		this.barrier = barrier;
		this.redrives = redrives;
		this.transactions = transactions;
	}

	/** A dead letter as the admin API shows it. */
	public record DeadLetter(String messageId, String originTopic, String originMessageId, String tag, String key,
			int reconsumeTimes, Instant storedAt, boolean redriven, String body) {
	}

	public List<DeadLetter> list(String group) {
		checkGroup(group);
		Set<String> redriven = Set.copyOf(this.redrives.redrivenIds(group));
		return read(group).stream()
			.map(message -> new DeadLetter(message.getMsgId(),
					message.getProperty(MessageConst.PROPERTY_DLQ_ORIGIN_TOPIC),
					message.getProperty(MessageConst.PROPERTY_DLQ_ORIGIN_MESSAGE_ID), message.getTags(),
					message.getKeys(), message.getReconsumeTimes(), Instant.ofEpochMilli(message.getStoreTimestamp()),
					redriven.contains(message.getMsgId()),
					abbreviate(new String(message.getBody(), StandardCharsets.UTF_8))))
			.toList();
	}

	/**
	 * Sends every dead letter not sent before back to its topic; returns how many went.
	 */
	public int redrive(String group) {
		checkGroup(group);
		int sent = 0;
		for (MessageExt message : read(group)) {
			String topic = message.getProperty(MessageConst.PROPERTY_DLQ_ORIGIN_TOPIC);
			if (topic == null || topic.startsWith("%")) {
				topic = this.settings.orderTopic();
			}
			if (redriveOne(group, topic, message)) {
				sent++;
			}
		}
		log.info("group {}: {} dead letter(s) redriven", group, sent);
		return sent;
	}

	private boolean redriveOne(String group, String topic, MessageExt message) {
		return this.publisher.publish(topic, message.getTags(), message.getKeys(), message.getBody(), (txId) -> {
			Boolean recorded = this.transactions.execute(status -> {
				this.barrier.enter(txId);
				if (this.redrives.record(group, message.getMsgId()) == 0) {
					status.setRollbackOnly();
					return false;
				}
				return true;
			});
			return Boolean.TRUE.equals(recorded) ? TransactionalReplies.Decided.commit(true)
					: TransactionalReplies.Decided.rollback(false);
		});
	}

	private List<MessageExt> read(String group) {
		DefaultLitePullConsumer reader = new DefaultLitePullConsumer(
				"dlq-reader-" + UUID.randomUUID().toString().substring(0, 8));
		reader.setNamesrvAddr(this.settings.nameServer());
		reader.setAutoCommit(false);
		List<MessageExt> found = new ArrayList<>();
		try {
			reader.start();
			Collection<MessageQueue> queues;
			try {
				queues = reader.fetchMessageQueues("%DLQ%" + group);
			}
			catch (MQClientException ex) {
				// No dead letter yet: the broker creates the topic with the first one.
				return found;
			}
			reader.assign(queues);
			for (MessageQueue queue : queues) {
				reader.seekToBegin(queue);
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (found.size() < LIMIT && System.nanoTime() < deadline) {
				List<MessageExt> batch = reader.poll(300);
				if (batch.isEmpty() && !found.isEmpty()) {
					break;
				}
				found.addAll(batch);
			}
			return found;
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("cannot read the dead letters of " + group + ": " + ex.getMessage(), ex);
		}
		finally {
			reader.shutdown();
		}
	}

	private void checkGroup(String group) {
		if (!group.equals(this.settings.inventory().name()) && !group.equals(this.settings.points().name())) {
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
