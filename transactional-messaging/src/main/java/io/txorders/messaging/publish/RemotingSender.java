package io.txorders.messaging.publish;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.txorders.messaging.barrier.TransactionIds;
import io.txorders.messaging.barrier.TransactionResolution;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.producer.DefaultMQProducerImpl;
import org.apache.rocketmq.client.impl.producer.TopicPublishInfo;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Half messages over RocketMQ's remoting protocol: a {@link TransactionMQProducer} of the
 * producer group, through the NameServer. The broker's check-backs go to any member of
 * the group.
 */
final class RemotingSender implements HalfMessageSender {

	private static final Logger log = LoggerFactory.getLogger(RemotingSender.class);

	private final TransactionMQProducer producer;

	private final List<String> topics;

	RemotingSender(TransactionalPublisher.Settings settings, CheckBacks checkBacks) {
		this.producer = ProducerWakeups.quiet(new TransactionMQProducer(settings.group()));
		this.producer.setNamesrvAddr(settings.broker().nameServer());
		this.producer.setInstanceName(settings.group() + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
		this.producer.setSendMsgTimeout((int) settings.requestTimeout().toMillis());
		// A NameServer slow to answer (a busy host, a restart) should not fail the start.
		this.producer.setMqClientApiTimeout((int) Math.max(settings.requestTimeout().toMillis(), 10_000));
		// A retried half message whose first copy was stored after all would be a second
		// half message for one transaction: its check-back would publish the event twice.
		this.producer.setRetryTimesWhenSendFailed(0);
		// With several broker groups, keep off one that just failed a send (the client's
		// latency fault tolerance) instead of picking it again until the next route
		// refresh: each such send fails and its event waits in the local message table.
		this.producer.setSendLatencyFaultEnable(true);
		// Rejoin within seconds after a broker restart: learn routes and heartbeat often.
		this.producer.setPollNameServerInterval(5_000);
		this.producer.setHeartbeatBrokerInterval(5_000);
		this.topics = List.copyOf(settings.topics());
		this.producer.setExecutorService(new ThreadPoolExecutor(settings.checkThreads(), settings.checkThreads(), 60,
				TimeUnit.SECONDS, new ArrayBlockingQueue<>(2000),
				new ThreadFactoryBuilder().setNameFormat(settings.group() + "-checkback-%d").setDaemon(true).build()));
		this.producer.setTransactionListener(new Listener(checkBacks));
	}

	@Override
	public void start() {
		try {
			this.producer.start();
		}
		catch (MQClientException ex) {
			throw new IllegalStateException("transactional producer group " + this.producer.getProducerGroup()
					+ " could not start against the NameServer at " + this.producer.getNamesrvAddr() + ": "
					+ ex.getErrorMessage(), ex);
		}
		// Without a topic a member that only answers check-backs never learns a broker
		// route, sends no heartbeat, and the broker would not ask it. Learned after the
		// start, not by it: the client's start fails when the NameServer is out of reach,
		// and a publisher must start then too (its events wait in the local message
		// table). The client refreshes the routes of these topics on its schedule.
		this.producer.setTopics(this.topics);
		for (String topic : this.topics) {
			learnRoute(topic);
		}
	}

	private void learnRoute(String topic) {
		DefaultMQProducerImpl client = this.producer.getDefaultMQProducerImpl();
		if (client == null || client.getMqClientFactory() == null) {
			return;
		}
		client.getTopicPublishInfoTable().putIfAbsent(topic, new TopicPublishInfo());
		try {
			client.getMqClientFactory().updateTopicRouteInfoFromNameServer(topic);
		}
		catch (RuntimeException ex) {
			log.warn("transactional producer group {}: no route for topic {} yet ({}); the client retries on its "
					+ "schedule", this.producer.getProducerGroup(), topic, ex.toString());
		}
	}

	@Override
	public void shutdown() {
		this.producer.shutdown();
	}

	@Override
	public String send(OutgoingEvent event, String txId, LocalStep local) throws MQClientException {
		Message message = new Message(event.topic(), event.tag(), event.key(), event.body());
		message.putUserProperty(TransactionIds.PROPERTY, txId);
		return String.valueOf(this.producer.sendMessageInTransaction(message, local).getSendStatus());
	}

	@Override
	public String describe() {
		return "the NameServer at " + this.producer.getNamesrvAddr();
	}

	static LocalTransactionState toState(TransactionResolution resolution) {
		return switch (resolution) {
			case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
			case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
			case UNKNOWN -> LocalTransactionState.UNKNOW;
		};
	}

	private static final class Listener implements TransactionListener {

		private final CheckBacks checkBacks;

		Listener(CheckBacks checkBacks) {
			this.checkBacks = checkBacks;
		}

		@Override
		public LocalTransactionState executeLocalTransaction(Message message, Object local) {
			return toState(((LocalStep) local).run());
		}

		@Override
		public LocalTransactionState checkLocalTransaction(MessageExt message) {
			return toState(this.checkBacks.answer(new CheckedMessage(message.getUserProperty(TransactionIds.PROPERTY),
					message.getTags(), message.getKeys(), message.getMsgId())));
		}

	}

}
