package io.txorders.messaging.halves;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.consumer.PullResultExt;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * Reads a broker's queues the way its own services do, over the remoting protocol:
 * offsets and messages of one queue, without subscribing, without committing an offset,
 * and without changing anything on the broker. It pulls as the tools' consumer group
 * ({@code TOOLS_CONSUMER}, which every broker has), the way {@code mqadmin} reads a
 * queue. The remoting client of rocketmq-client is used directly, like
 * {@code BrokerWatch} does.
 */
class BrokerQueues implements AutoCloseable {

	/** A broker group's master, where its half and op queues are. */
	record Broker(String name, String address) {
	}

	/** What a pull found, and where the next one starts. */
	record Page(List<MessageExt> messages, long next, boolean end) {
	}

	/** At most this many messages come back from one pull. */
	static final int PULL_BATCH = 32;

	private static final AtomicInteger INSTANCES = new AtomicInteger();

	private final MQClientInstance client;

	private final long timeoutMillis;

	BrokerQueues(String nameServer, Duration timeout) {
		ClientConfig config = new ClientConfig();
		config.setNamesrvAddr(nameServer);
		// A client of its own: the client manager shares one per instance name, and
		// closing a shared one would stop it for the others.
		config.setInstanceName("half-messages-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet());
		config.setMqClientApiTimeout((int) timeout.toMillis());
		this.client = MQClientManager.getInstance().getOrCreateMQClientInstance(config);
		this.timeoutMillis = timeout.toMillis();
		try {
			this.client.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not start a remoting client for " + nameServer, ex);
		}
	}

	private MQClientAPIImpl api() {
		return this.client.getMQClientAPIImpl();
	}

	/** Every broker group the NameServer knows, by name, with its master's address. */
	List<Broker> brokers() throws Exception {
		ClusterInfo cluster = api().getBrokerClusterInfo(this.timeoutMillis);
		Map<String, Broker> brokers = new TreeMap<>();
		for (BrokerData data : cluster.getBrokerAddrTable().values()) {
			String master = data.getBrokerAddrs().get(MixAll.MASTER_ID);
			if (master != null) {
				brokers.put(data.getBrokerName(), new Broker(data.getBrokerName(), master));
			}
		}
		return List.copyOf(brokers.values());
	}

	long minOffset(Broker broker, String topic) throws Exception {
		return api().getMinOffset(broker.address(), new MessageQueue(topic, broker.name(), 0), this.timeoutMillis);
	}

	long maxOffset(Broker broker, String topic) throws Exception {
		return api().getMaxOffset(broker.address(), new MessageQueue(topic, broker.name(), 0), this.timeoutMillis);
	}

	/**
	 * The offset a consumer group has committed on queue 0 of a topic; the queue's
	 * minimum when it has none yet (what the broker's own transaction check starts from).
	 */
	long committedOffset(Broker broker, String group, String topic) throws Exception {
		QueryConsumerOffsetRequestHeader header = new QueryConsumerOffsetRequestHeader();
		header.setConsumerGroup(group);
		header.setTopic(topic);
		header.setQueueId(0);
		header.setSetZeroIfNotFound(false);
		header.setBrokerName(broker.name());
		try {
			return api().queryConsumerOffset(broker.address(), header, this.timeoutMillis);
		}
		catch (MQBrokerException ex) {
			if (ex.getResponseCode() == ResponseCode.QUERY_NOT_FOUND) {
				return minOffset(broker, topic);
			}
			throw ex;
		}
	}

	/**
	 * Up to {@link #PULL_BATCH} messages of queue 0 from {@code offset}, bodies included.
	 */
	Page pull(Broker broker, String topic, long offset) throws Exception {
		PullMessageRequestHeader header = new PullMessageRequestHeader();
		header.setConsumerGroup(MixAll.TOOLS_CONSUMER_GROUP);
		header.setTopic(topic);
		header.setQueueId(0);
		header.setQueueOffset(offset);
		header.setMaxMsgNums(PULL_BATCH);
		// Subscription sent with the request, no offset committed, no long polling.
		header.setSysFlag(PullSysFlag.buildSysFlag(false, false, true, false));
		header.setCommitOffset(0L);
		header.setSuspendTimeoutMillis(0L);
		header.setSubscription("*");
		header.setSubVersion(0L);
		header.setExpressionType(ExpressionType.TAG);
		header.setBrokerName(broker.name());
		PullResultExt result = (PullResultExt) api().pullMessage(broker.address(), header, this.timeoutMillis,
				CommunicationMode.SYNC, null);
		if (result.getPullStatus() != PullStatus.FOUND) {
			long next = Math.max(offset, result.getNextBeginOffset());
			return new Page(List.of(), next, true);
		}
		List<MessageExt> messages = MessageDecoder.decodesBatch(ByteBuffer.wrap(result.getMessageBinary()), true, true,
				true);
		return new Page(messages, result.getNextBeginOffset(), false);
	}

	/**
	 * The messages of queue 0 in {@code [from, to)}, at most {@code limit}: fewer when
	 * the queue ends first.
	 */
	List<MessageExt> read(Broker broker, String topic, long from, long to, int limit) throws Exception {
		List<MessageExt> found = new ArrayList<>();
		long offset = from;
		while (offset < to && found.size() < limit) {
			Page page = pull(broker, topic, offset);
			for (MessageExt message : page.messages()) {
				if (message.getQueueOffset() < to && found.size() < limit) {
					found.add(message);
				}
			}
			if (page.end() || page.next() <= offset) {
				break;
			}
			offset = page.next();
		}
		return found;
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

}
