package io.txorders.invariants;

import java.util.List;
import java.util.Map;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * What the broker still holds, read through its admin API (the NameServer finds every
 * master):
 * <ul>
 * <li>half messages not yet resolved: the broker's transaction checker reads
 * {@code RMQ_SYS_TRANS_HALF_TOPIC} as group {@code CID_RMQ_SYS_TRANS} and moves past a
 * half message only once it is committed, rolled back or sent to a producer for a
 * check-back, so its lag is the number of half messages still open;</li>
 * <li>half messages discarded after {@code transactionCheckMax} check-backs
 * ({@code TRANS_CHECK_MAX_TIME_TOPIC}): each is a message the producer side never
 * settled;</li>
 * <li>dead letters per group ({@code %DLQ%<group>}) and each group's lag.</li>
 * </ul>
 */
public final class BrokerInvariants implements AutoCloseable {

	public static final String UNRESOLVED = "half messages unresolved";

	public static final String DISCARDED = "half messages discarded after the last check-back";

	public static final String DEAD_LETTERS = "dead letters";

	public static final String LAG = "messages not yet consumed (lag)";

	static final String HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC";

	static final String CHECKER_GROUP = "CID_RMQ_SYS_TRANS";

	static final String DISCARD_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC";

	private static final long TIMEOUT_MILLIS = 5000;

	private final DefaultMQAdminExt admin;

	private final List<String> groups;

	/**
	 * @param nameServer {@code host:port} of the NameServer
	 * @param groups the consumer groups to check for lag and dead letters
	 */
	public BrokerInvariants(String nameServer, List<String> groups) {
		this.admin = new DefaultMQAdminExt("invariant-checker", TIMEOUT_MILLIS);
		this.admin.setNamesrvAddr(nameServer);
		this.admin.setInstanceName("invariant-checker-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
		this.groups = List.copyOf(groups);
		try {
			this.admin.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot start the RocketMQ admin client for " + nameServer, ex);
		}
	}

	/**
	 * The figures the checker reports and waits on.
	 *
	 * @param discards per broker group, the first offset and the count of its
	 * {@code TRANS_CHECK_MAX_TIME_TOPIC}
	 */
	public record State(long unresolvedHalf, long discardedHalf, Map<String, Long> deadLetters, Map<String, Long> lag,
			Map<String, Discards> discards) {

		public boolean quiet() {
			return this.unresolvedHalf == 0 && this.lag.values().stream().allMatch((n) -> n == 0);
		}

	}

	/**
	 * A broker group's discarded half messages: offsets {@code [first, first + count)}.
	 */
	public record Discards(long first, long count) {
	}

	/**
	 * How many of a broker group's discarded half messages from an offset on an operator
	 * has resolved ({@code half_message_resolution}, in either database).
	 */
	@FunctionalInterface
	public interface Resolutions {

		long resolved(String broker, long fromOffset);

		Resolutions NONE = (broker, fromOffset) -> 0;

	}

	public State read() {
		try {
			ClusterInfo cluster = this.admin.examineBrokerClusterInfo();
			long unresolved = 0;
			long discarded = 0;
			Map<String, Long> deadLetters = new java.util.TreeMap<>();
			Map<String, Long> lag = new java.util.TreeMap<>();
			Map<String, Discards> discards = new java.util.TreeMap<>();
			for (BrokerData broker : cluster.getBrokerAddrTable().values()) {
				String master = broker.selectBrokerAddr();
				if (master == null) {
					continue;
				}
				unresolved += lag(master, CHECKER_GROUP, HALF_TOPIC);
				Discards gaveUp = discards(master);
				discards.put(broker.getBrokerName(), gaveUp);
				discarded += gaveUp.count();
				for (String group : this.groups) {
					deadLetters.merge(group, messages(master, "%DLQ%" + group), Long::sum);
					lag.merge(group, lag(master, group, null), Long::sum);
				}
			}
			return new State(unresolved, discarded, deadLetters, lag, discards);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading the broker", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot read the broker's state: " + ex, ex);
		}
	}

	/** Adds the broker's figures and violations to the report. */
	public void check(Report report) {
		check(report, Resolutions.NONE);
	}

	/**
	 * Adds the broker's figures and violations to the report; discarded half messages an
	 * operator resolved are counted but are no violation.
	 */
	public void check(Report report, Resolutions resolutions) {
		State state = read();
		long resolved = 0;
		long waiting = 0;
		for (Map.Entry<String, Discards> broker : state.discards().entrySet()) {
			Discards gaveUp = broker.getValue();
			long done = (gaveUp.count() > 0) ? resolutions.resolved(broker.getKey(), gaveUp.first()) : 0;
			resolved += Math.min(done, gaveUp.count());
			waiting += Math.max(0, gaveUp.count() - done);
		}
		report.figure("half messages unresolved", state.unresolvedHalf());
		report.figure("half messages discarded", state.discardedHalf());
		report.figure("half messages discarded, resolved", resolved);
		state.lag().forEach((group, n) -> report.figure("lag " + group, n));
		state.deadLetters().forEach((group, n) -> report.figure("dead letters " + group, n));
		for (String kind : List.of(UNRESOLVED, DISCARDED, DEAD_LETTERS, LAG)) {
			report.checked(kind);
		}
		if (state.unresolvedHalf() > 0) {
			report.violation(UNRESOLVED, state.unresolvedHalf() + " half message(s) still open on the broker");
		}
		if (waiting > 0) {
			report.violation(DISCARDED, waiting + " half message(s) in " + DISCARD_TOPIC
					+ " not resolved: the broker gave up checking them back; resolve them on the admin page"
					+ " (Half messages) or with POST /admin/api/half-messages/discarded/{broker}/{offset}/resolve");
		}
		state.deadLetters().forEach((group, n) -> {
			if (n > 0) {
				report.violation(DEAD_LETTERS, "group " + group + " has " + n + " dead letter(s) in %DLQ%" + group);
			}
		});
		state.lag().forEach((group, n) -> {
			if (n > 0) {
				report.violation(LAG, "group " + group + " has " + n + " message(s) not consumed");
			}
		});
	}

	/** The discard topic's queue on one broker; none before the broker first discards. */
	private Discards discards(String brokerAddr) throws Exception {
		try {
			TopicStatsTable stats = this.admin.examineTopicStats(brokerAddr, DISCARD_TOPIC);
			long first = 0;
			long count = 0;
			for (TopicOffset offset : stats.getOffsetTable().values()) {
				first = offset.getMinOffset();
				count += offset.getMaxOffset() - offset.getMinOffset();
			}
			return new Discards(first, count);
		}
		catch (MQBrokerException ex) {
			if (isAbsent(ex)) {
				return new Discards(0, 0);
			}
			throw ex;
		}
	}

	/** Messages in a topic on one broker, 0 if the topic does not exist there. */
	private long messages(String brokerAddr, String topic) throws Exception {
		try {
			TopicStatsTable stats = this.admin.examineTopicStats(brokerAddr, topic);
			long total = 0;
			for (TopicOffset offset : stats.getOffsetTable().values()) {
				total += offset.getMaxOffset() - offset.getMinOffset();
			}
			return total;
		}
		catch (MQBrokerException ex) {
			if (isAbsent(ex)) {
				return 0;
			}
			throw ex;
		}
	}

	/**
	 * A group's messages not yet consumed on one broker (optionally for one topic), 0 if
	 * the group has consumed nothing there yet.
	 */
	private long lag(String brokerAddr, String group, String topic) throws Exception {
		try {
			ConsumeStats stats = this.admin.examineConsumeStats(brokerAddr, group, topic, TIMEOUT_MILLIS);
			long lag = 0;
			for (OffsetWrapper offset : stats.getOffsetTable().values()) {
				lag += Math.max(0, offset.getBrokerOffset() - Math.max(0, offset.getConsumerOffset()));
			}
			return lag;
		}
		catch (MQBrokerException ex) {
			if (isAbsent(ex)) {
				return 0;
			}
			throw ex;
		}
	}

	private static boolean isAbsent(MQBrokerException ex) {
		// 17 TOPIC_NOT_EXIST, 206 CONSUMER_NOT_ONLINE, 26 SUBSCRIPTION_GROUP_NOT_EXIST
		return ex.getResponseCode() == 17 || ex.getResponseCode() == 206 || ex.getResponseCode() == 26;
	}

	@Override
	public void close() {
		this.admin.shutdown();
	}

}
