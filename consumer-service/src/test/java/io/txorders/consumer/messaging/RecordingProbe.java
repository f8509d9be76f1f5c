package io.txorders.consumer.messaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.spi.MessagingProbe;

/**
 * Records what each group did with each order, and injects failures: before the effect
 * (what the effect needs is unavailable), after it committed (a lost acknowledgement), or
 * between a reply's local commit and the broker (a lost COMMIT).
 */
class RecordingProbe implements MessagingProbe {

	private static final int UNTIL_HEALED = -1;

	private final Map<String, List<IncomingMessage>> messages = new ConcurrentHashMap<>();

	private final Map<String, List<Outcome>> outcomes = new ConcurrentHashMap<>();

	private final Set<String> failOnce = ConcurrentHashMap.newKeySet();

	private final Set<String> loseCommitOnce = ConcurrentHashMap.newKeySet();

	private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> failuresInjected = new ConcurrentHashMap<>();

	@Override
	public void beforeApply(String group, IncomingMessage message) {
		String key = group + "/" + message.key();
		AtomicInteger left = this.failuresLeft.get(key);
		if (left == null) {
			return;
		}
		if (left.get() == UNTIL_HEALED || left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
			this.failuresInjected.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
			throw new IllegalStateException("test: what the effect needs is unavailable");
		}
	}

	@Override
	public void afterApplied(String group, IncomingMessage message, Outcome outcome) {
		String key = group + "/" + message.key();
		this.messages.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(message);
		this.outcomes.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(outcome);
		if (this.failOnce.remove(key)) {
			throw new IllegalStateException("test: acknowledgement lost after the effect committed");
		}
	}

	@Override
	public TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
		if (answer == TransactionResolution.COMMIT && this.loseCommitOnce.remove(event.tag() + "/" + event.key())) {
			throw new IllegalStateException("test: COMMIT lost on its way to the broker");
		}
		return answer;
	}

	void loseReplyCommitOnce(String tag, long orderId) {
		this.loseCommitOnce.add(tag + "/" + orderId);
	}

	void failAcknowledgementOnce(long orderId, String group) {
		this.failOnce.add(group + "/" + orderId);
	}

	void failBeforeApply(long orderId, String group, int times) {
		this.failuresLeft.put(group + "/" + orderId, new AtomicInteger(times));
	}

	void failBeforeApplyUntilHealed(long orderId, String group) {
		failBeforeApply(orderId, group, UNTIL_HEALED);
	}

	void heal(long orderId, String group) {
		this.failuresLeft.remove(group + "/" + orderId);
	}

	int failuresInjected(long orderId, String group) {
		AtomicInteger injected = this.failuresInjected.get(group + "/" + orderId);
		return (injected != null) ? injected.get() : 0;
	}

	List<Outcome> outcomes(long orderId, String group) {
		return this.outcomes.getOrDefault(group + "/" + orderId, List.of());
	}

	List<Integer> attempts(long orderId, String group) {
		return this.messages.getOrDefault(group + "/" + orderId, List.of())
			.stream()
			.map(IncomingMessage::deliveryAttempt)
			.toList();
	}

}
