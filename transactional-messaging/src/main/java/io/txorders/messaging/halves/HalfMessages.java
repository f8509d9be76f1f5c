package io.txorders.messaging.halves;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactional messages the broker holds for this application's producer groups and
 * has not finished: half messages still open, and the ones it discarded into
 * {@code TRANS_CHECK_MAX_TIME_TOPIC} after {@code transactionCheckMax} check-backs that
 * got no final answer (the broker neither commits nor rolls those back).
 * <p>
 * Open half messages are found as the broker's own check service finds them: queue 0 of
 * {@code RMQ_SYS_TRANS_HALF_TOPIC} from the transaction check's committed offset, minus
 * the offsets the op queue ({@code RMQ_SYS_TRANS_OP_HALF_TOPIC}, tag {@code d}) says were
 * committed or rolled back. Each check-back appends a new copy of a half message (its
 * check count one higher); only the newest copy of a message counts. For each one the
 * barrier's answer is read without claiming anything, so looking never decides.
 * <p>
 * {@link #resolve} applies the barrier's answer to one discarded message, once: COMMIT
 * delivers the original message (same topic, tag, keys, properties and message id) to its
 * topic, where consumers dedupe it like any redelivery; ROLLBACK, or no transaction
 * record (which the barrier then records as rolled back, so the local transaction can
 * never commit later), drops it. Either way a row in {@code half_message_resolution}
 * records it, and a second resolve of the same message only reports the first.
 */
public class HalfMessages implements AutoCloseable {

	/**
	 * The broker's group for its transaction check, whose offsets mark what it has
	 * passed.
	 */
	static final String CHECK_GROUP = MixAll.CID_SYS_RMQ_TRANS;

	static final String HALF_TOPIC = TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC;

	static final String OP_TOPIC = TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC;

	static final String DISCARD_TOPIC = TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC;

	/** The op queue's tag for "this half offset is finished". */
	static final String REMOVE_TAG = "d";

	/** The most messages one view reads from each queue of each broker group. */
	public static final int MAX_SCAN = 5000;

	/** The property a delivered copy carries: where the discarded message was. */
	public static final String RESOLVED_FROM = "txordersResolvedFrom";

	/** Barrier answer shown for a transaction with no record yet. */
	public static final String NO_RECORD = "NO_RECORD";

	/** Barrier answer recorded for a message without a transaction id. */
	public static final String NO_TX_ID = "NO_TX_ID";

	private static final Logger log = LoggerFactory.getLogger(HalfMessages.class);

	private final Settings settings;

	private final TransactionBarrier barrier;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	private BrokerQueues queues;

	private DefaultMQProducer producer;

	/**
	 * @param nameServer the NameServer
	 * @param groups the producer groups whose transactions this application's barrier
	 * answers
	 * @param timeout timeout of each call to a broker
	 * @param maxScan the most messages read from one broker's half queue, op queue and
	 * discard queue for one view (each)
	 * @param instance how resolutions name this process
	 */
	public record Settings(String nameServer, Set<String> groups, Duration timeout, int maxScan, String instance) {

		public Settings {
			groups = Set.copyOf(groups);
		}

	}

	/** A half message the broker still holds, in its newest copy. */
	public record Open(String broker, long offset, String messageId, String txId, String producerGroup, String topic,
			String tag, String key, Instant bornAt, long ageSeconds, int checks, Instant lastCheckedAt,
			String barrier) {
	}

	/** What an operator did with a discarded message. */
	public record Resolution(String action, String barrierAnswer, String deliveredId, String resolvedBy,
			Instant resolvedAt) {
	}

	/** A half message the broker gave up on, and its resolution if it has one. */
	public record Discarded(String broker, long offset, String messageId, String txId, String producerGroup,
			String topic, String tag, String key, Instant bornAt, Instant discardedAt, int checks, String barrier,
			Resolution resolution) {
	}

	/** How much of one broker group was read, or why it could not be. */
	public record BrokerScan(String broker, long halfMessagesRead, long opMessagesRead, boolean truncated,
			String error) {
	}

	/**
	 * The view: this application's groups' open and discarded messages (oldest first, at
	 * most the limit each), how many other producer groups have, and what was read.
	 */
	public record View(Set<String> groups, int openCount, List<Open> open, Map<String, Integer> openInOtherGroups,
			int discardedWaiting, List<Discarded> discarded, Map<String, Integer> discardedInOtherGroups,
			List<BrokerScan> brokers, Instant checkedAt) {
	}

	/** The outcome of a resolve: the discarded message and its resolution. */
	public record Resolved(boolean alreadyResolved, Discarded discarded) {
	}

	public HalfMessages(Settings settings, TransactionBarrier barrier, DataSource dataSource) {
		this.settings = settings;
		this.barrier = barrier;
		this.jdbc = new JdbcTemplate(dataSource);
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	private synchronized BrokerQueues queues() {
		if (this.queues == null) {
			this.queues = new BrokerQueues(this.settings.nameServer(), this.settings.timeout());
		}
		return this.queues;
	}

	public View view(int limit) {
		Instant now = Instant.now();
		List<BrokerQueues.Broker> brokers = brokers();
		List<Open> open = new ArrayList<>();
		List<Discarded> discarded = new ArrayList<>();
		Map<String, Integer> openElsewhere = new TreeMap<>();
		Map<String, Integer> discardedElsewhere = new TreeMap<>();
		List<BrokerScan> scans = new ArrayList<>();
		for (BrokerQueues.Broker broker : brokers) {
			try {
				Scan scan = scan(broker);
				for (MessageExt half : scan.open()) {
					if (ours(half)) {
						open.add(open(broker, half, now));
					}
					else {
						openElsewhere.merge(group(half), 1, Integer::sum);
					}
				}
				for (MessageExt gaveUp : scan.discarded()) {
					if (ours(gaveUp)) {
						discarded.add(discarded(broker, gaveUp, null));
					}
					else {
						discardedElsewhere.merge(group(gaveUp), 1, Integer::sum);
					}
				}
				scans.add(new BrokerScan(broker.name(), scan.halvesRead(), scan.opsRead(), scan.truncated(), null));
			}
			catch (Exception ex) {
				log.warn("half messages: broker {} ({}) not read: {}", broker.name(), broker.address(), ex.toString());
				scans.add(new BrokerScan(broker.name(), 0, 0, false, ex.toString()));
			}
		}
		open = withBarrier(open);
		discarded = withResolutions(discarded);
		int openCount = open.size();
		int waiting = (int) discarded.stream().filter((d) -> d.resolution() == null).count();
		open.sort(Comparator.comparing(Open::bornAt));
		// Waiting ones first, each part oldest first.
		discarded.sort(Comparator.comparing((Discarded d) -> d.resolution() != null).thenComparing(Discarded::bornAt));
		int shown = Math.max(1, limit);
		return new View(this.settings.groups(), openCount, List.copyOf(open.subList(0, Math.min(shown, open.size()))),
				openElsewhere, waiting, List.copyOf(discarded.subList(0, Math.min(shown, discarded.size()))),
				discardedElsewhere, scans, now);
	}

	private List<BrokerQueues.Broker> brokers() {
		try {
			return queues().brokers();
		}
		catch (Exception ex) {
			throw new BrokerUnreachable("the NameServer " + this.settings.nameServer() + " did not answer: " + ex, ex);
		}
	}

	private record Scan(List<MessageExt> open, List<MessageExt> discarded, long halvesRead, long opsRead,
			boolean truncated) {
	}

	private Scan scan(BrokerQueues.Broker broker) throws Exception {
		BrokerQueues queues = queues();
		int max = this.settings.maxScan();
		// Halves first, then the op queue: a half finished in between is then seen as
		// finished, not as open.
		long halfFrom = queues.committedOffset(broker, CHECK_GROUP, HALF_TOPIC);
		long halfTo = queues.maxOffset(broker, HALF_TOPIC);
		List<MessageExt> halves = queues.read(broker, HALF_TOPIC, halfFrom, halfTo, max);
		long opFrom = queues.committedOffset(broker, CHECK_GROUP, OP_TOPIC);
		long opTo = queues.maxOffset(broker, OP_TOPIC);
		List<MessageExt> ops = queues.read(broker, OP_TOPIC, opFrom, opTo, max);
		List<MessageExt> open = stillOpen(halves, ops);
		// The discard topic exists once the broker first discards; until then both
		// offsets are 0.
		long discardTo = queues.maxOffset(broker, DISCARD_TOPIC);
		long discardMin = queues.minOffset(broker, DISCARD_TOPIC);
		long discardFrom = Math.max(discardMin, discardTo - max);
		List<MessageExt> discarded = (discardTo > discardFrom)
				? queues.read(broker, DISCARD_TOPIC, discardFrom, discardTo, max) : List.of();
		boolean truncated = halves.size() >= max || ops.size() >= max || discardFrom > discardMin;
		return new Scan(open, discarded, halves.size(), ops.size(), truncated);
	}

	/**
	 * The half messages still open: the newest copy of each message (a check-back appends
	 * a copy and the broker ends the copy it asked about), unless an op message (tag
	 * {@code d}, a body of comma-separated half-queue offsets) says that copy was
	 * committed or rolled back.
	 */
	static List<MessageExt> stillOpen(List<MessageExt> halves, List<MessageExt> ops) {
		Set<Long> finished = new HashSet<>();
		for (MessageExt op : ops) {
			if (REMOVE_TAG.equals(op.getTags()) && op.getBody() != null) {
				for (String offset : new String(op.getBody(), StandardCharsets.UTF_8).split(",")) {
					if (!offset.isBlank()) {
						finished.add(Long.parseLong(offset.trim()));
					}
				}
			}
		}
		Map<String, MessageExt> newest = new LinkedHashMap<>();
		for (MessageExt half : halves) {
			newest.merge(messageId(half), half, (a, b) -> (a.getQueueOffset() >= b.getQueueOffset()) ? a : b);
		}
		return newest.values().stream().filter((half) -> !finished.contains(half.getQueueOffset())).toList();
	}

	private boolean ours(MessageExt message) {
		return this.settings.groups().contains(group(message));
	}

	private static String group(MessageExt message) {
		return Objects.requireNonNullElse(message.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP), "(none)");
	}

	private static String messageId(MessageExt message) {
		String unique = message.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
		return (unique != null) ? unique : message.getMsgId();
	}

	private static String topic(MessageExt message) {
		return Objects.requireNonNullElse(message.getProperty(MessageConst.PROPERTY_REAL_TOPIC), message.getTopic());
	}

	private static int checks(MessageExt message) {
		String checks = message.getProperty(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES);
		try {
			return (checks != null) ? Integer.parseInt(checks.trim()) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static Open open(BrokerQueues.Broker broker, MessageExt half, Instant now) {
		Instant born = Instant.ofEpochMilli(half.getBornTimestamp());
		int checks = checks(half);
		return new Open(broker.name(), half.getQueueOffset(), messageId(half),
				half.getUserProperty(TransactionIds.PROPERTY), group(half), topic(half), half.getTags(), half.getKeys(),
				born, Math.max(0, Duration.between(born, now).toSeconds()), checks,
				(checks > 0) ? Instant.ofEpochMilli(half.getStoreTimestamp()) : null, null);
	}

	private static Discarded discarded(BrokerQueues.Broker broker, MessageExt message, Resolution resolution) {
		return new Discarded(broker.name(), message.getQueueOffset(), messageId(message),
				message.getUserProperty(TransactionIds.PROPERTY), group(message), topic(message), message.getTags(),
				message.getKeys(), Instant.ofEpochMilli(message.getBornTimestamp()),
				Instant.ofEpochMilli(message.getStoreTimestamp()), checks(message), null, resolution);
	}

	private List<Open> withBarrier(List<Open> open) {
		Map<String, TransactionResolution> recorded = this.barrier
			.recorded(open.stream().map(Open::txId).filter(Objects::nonNull).toList());
		List<Open> answered = new ArrayList<>(open.size());
		for (Open half : open) {
			answered.add(new Open(half.broker(), half.offset(), half.messageId(), half.txId(), half.producerGroup(),
					half.topic(), half.tag(), half.key(), half.bornAt(), half.ageSeconds(), half.checks(),
					half.lastCheckedAt(), answer(half.txId(), recorded)));
		}
		return answered;
	}

	private List<Discarded> withResolutions(List<Discarded> discarded) {
		Map<String, TransactionResolution> recorded = this.barrier
			.recorded(discarded.stream().map(Discarded::txId).filter(Objects::nonNull).toList());
		Map<String, Resolution> resolutions = new HashMap<>();
		Map<String, long[]> ranges = new HashMap<>();
		for (Discarded message : discarded) {
			ranges.merge(message.broker(), new long[] { message.offset(), message.offset() },
					(a, b) -> new long[] { Math.min(a[0], b[0]), Math.max(a[1], b[1]) });
		}
		ranges.forEach((broker, range) -> this.jdbc.query("""
				SELECT discard_offset, action, barrier_answer, delivered_id, resolved_by, resolved_at
				FROM half_message_resolution WHERE broker_name = ? AND discard_offset BETWEEN ? AND ?
				""", (RowCallbackHandler) (row) -> {
			resolutions.put(broker + "@" + row.getLong(1), new Resolution(row.getString(2), row.getString(3),
					row.getString(4), row.getString(5), row.getTimestamp(6).toInstant()));
		}, broker, range[0], range[1]));
		List<Discarded> shown = new ArrayList<>(discarded.size());
		for (Discarded message : discarded) {
			shown.add(withResolution(message, answer(message.txId(), recorded),
					resolutions.get(message.broker() + "@" + message.offset())));
		}
		return shown;
	}

	private static Discarded withResolution(Discarded message, String barrier, Resolution resolution) {
		return new Discarded(message.broker(), message.offset(), message.messageId(), message.txId(),
				message.producerGroup(), message.topic(), message.tag(), message.key(), message.bornAt(),
				message.discardedAt(), message.checks(), barrier, resolution);
	}

	private static String answer(String txId, Map<String, TransactionResolution> recorded) {
		if (txId == null) {
			return NO_TX_ID;
		}
		TransactionResolution answer = recorded.get(txId);
		return (answer != null) ? answer.name() : NO_RECORD;
	}

	private Optional<Resolution> resolution(String broker, long offset) {
		return this.jdbc
			.query("""
					SELECT action, barrier_answer, delivered_id, resolved_by, resolved_at
					FROM half_message_resolution WHERE broker_name = ? AND discard_offset = ?
					""",
					(row, n) -> new Resolution(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
							row.getTimestamp(5).toInstant()),
					broker, offset)
			.stream()
			.findFirst();
	}

	/**
	 * Applies the barrier's answer to the discarded message at {@code offset} of the
	 * broker group's {@code TRANS_CHECK_MAX_TIME_TOPIC}: delivers it (COMMIT) or drops it
	 * (ROLLBACK, no record, no transaction id), once.
	 * @param admin who asks, for the record and the log
	 * @throws NotFound no such broker group or message
	 * @throws NotOurs the message belongs to another application's producer group
	 * @throws Undecided the barrier could not answer (its database busy or unreachable)
	 * @throws BrokerUnreachable the broker could not be read or did not store the copy
	 */
	public Resolved resolve(String brokerName, long offset, String admin) {
		BrokerQueues.Broker broker = brokers().stream()
			.filter((candidate) -> candidate.name().equals(brokerName))
			.findFirst()
			.orElseThrow(() -> new NotFound("no broker group named '" + brokerName + "'"));
		MessageExt message = discardedAt(broker, offset);
		if (!ours(message)) {
			throw new NotOurs("the message at " + brokerName + "@" + offset + " belongs to producer group '"
					+ group(message) + "', which another application's barrier answers; resolve it there");
		}
		Optional<Resolution> earlier = resolution(brokerName, offset);
		if (earlier.isPresent()) {
			return new Resolved(true, discarded(broker, message, earlier.get()));
		}
		String txId = message.getUserProperty(TransactionIds.PROPERTY);
		TransactionResolution answer = (txId == null) ? TransactionResolution.ROLLBACK : this.barrier.settle(txId);
		if (answer == TransactionResolution.UNKNOWN) {
			throw new Undecided("the barrier could not answer for transaction " + txId
					+ " (its database busy or unreachable); nothing was done, try again");
		}
		String barrierAnswer = (txId == null) ? NO_TX_ID : answer.name();
		String action = (answer == TransactionResolution.COMMIT) ? "DELIVERED" : "DROPPED";
		String by = admin + " via " + this.settings.instance();
		try {
			this.ownTransaction.executeWithoutResult((status) -> {
				Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
				this.jdbc.update("""
						INSERT INTO half_message_resolution (broker_name, discard_offset, message_id, tx_id,
						  producer_group, topic, tag, message_key, barrier_answer, action, resolved_by, resolved_at)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
						""", brokerName, offset, messageId(message), txId, group(message), topic(message),
						message.getTags(), message.getKeys(), barrierAnswer, action, by, Timestamp.from(at));
				String deliveredId = null;
				if (answer == TransactionResolution.COMMIT) {
					// Sent while the row is uncommitted: a failed send leaves no row, so
					// the operator can try again; a crash after it leaves a copy the
					// consumers dedupe if resolved again.
					deliveredId = deliver(broker, message);
					this.jdbc.update("""
							UPDATE half_message_resolution SET delivered_id = ?
							WHERE broker_name = ? AND discard_offset = ?
							""", deliveredId, brokerName, offset);
				}
			});
			// As stored: what every later view and resolve will show.
			Resolution resolution = resolution(brokerName, offset).orElseThrow();
			log.info(
					"half message {} ({} {} key {}, tx {}) discarded by broker {} at offset {}: barrier says {}, {} "
							+ "by {}",
					messageId(message), topic(message), message.getTags(), message.getKeys(), txId, brokerName, offset,
					barrierAnswer, action, by);
			return new Resolved(false, discarded(broker, message, resolution));
		}
		catch (DuplicateKeyException ex) {
			// Resolved by someone else in the meantime.
			return new Resolved(true, discarded(broker, message, resolution(brokerName, offset).orElseThrow()));
		}
	}

	private MessageExt discardedAt(BrokerQueues.Broker broker, long offset) {
		List<MessageExt> found;
		try {
			found = queues().read(broker, DISCARD_TOPIC, offset, offset + 1, 1);
		}
		catch (Exception ex) {
			throw new BrokerUnreachable("broker group " + broker.name() + " could not be read: " + ex, ex);
		}
		if (found.isEmpty() || found.get(0).getQueueOffset() != offset) {
			throw new NotFound("broker group " + broker.name() + " has no discarded message at offset " + offset);
		}
		return found.get(0);
	}

	/**
	 * Sends the original message to its topic as a normal message; returns its offset id.
	 */
	private String deliver(BrokerQueues.Broker broker, MessageExt original) {
		Message copy = new Message(topic(original), original.getTags(), original.getKeys(), original.getBody());
		original.getProperties().forEach((name, value) -> {
			if (!MessageConst.STRING_HASH_SET.contains(name)) {
				copy.putUserProperty(name, value);
			}
		});
		// The same message id, so traces and logs join the delivered copy to the half.
		MessageAccessor.putProperty(copy, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, messageId(original));
		copy.putUserProperty(RESOLVED_FROM, broker.name() + "@" + original.getQueueOffset());
		try {
			SendResult sent = producer().send(copy, this.settings.timeout().toMillis());
			if (sent.getSendStatus() != SendStatus.SEND_OK) {
				throw new BrokerUnreachable("the broker stored the copy with status " + sent.getSendStatus()
						+ "; nothing was recorded, try again", null);
			}
			return sent.getOffsetMsgId();
		}
		catch (BrokerUnreachable ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new BrokerUnreachable("the message could not be delivered to " + topic(original)
					+ "; nothing was recorded, try again: " + ex, ex);
		}
	}

	private synchronized DefaultMQProducer producer() throws Exception {
		if (this.producer == null) {
			DefaultMQProducer started = new DefaultMQProducer("txorders-half-resolver");
			started.setNamesrvAddr(this.settings.nameServer());
			started.setInstanceName(
					"half-resolver-" + ProcessHandle.current().pid() + "-" + System.identityHashCode(this));
			started.setVipChannelEnabled(false);
			started.setSendMsgTimeout((int) this.settings.timeout().toMillis());
			started.start();
			this.producer = started;
		}
		return this.producer;
	}

	@Override
	public synchronized void close() {
		if (this.producer != null) {
			this.producer.shutdown();
		}
		if (this.queues != null) {
			this.queues.close();
		}
	}

	/** The broker group or message does not exist. */
	public static class NotFound extends RuntimeException {

		NotFound(String message) {
			super(message);
		}

	}

	/** The message belongs to another application's producer group. */
	public static class NotOurs extends RuntimeException {

		NotOurs(String message) {
			super(message);
		}

	}

	/** The barrier could not answer. */
	public static class Undecided extends RuntimeException {

		Undecided(String message) {
			super(message);
		}

	}

	/** The NameServer or a broker could not be reached, or did not store the copy. */
	public static class BrokerUnreachable extends RuntimeException {

		BrokerUnreachable(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
