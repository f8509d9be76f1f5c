package io.txorders.consumer.messaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what each group did with each order, and can make one acknowledgement fail
 * after the effect committed, so that the broker redelivers.
 */
class RecordingProbe implements ConsumerProbe {

	private final Map<String, List<IncomingMessage>> messages = new ConcurrentHashMap<>();

	private final Map<String, List<Outcome>> outcomes = new ConcurrentHashMap<>();

	private final Set<String> failOnce = ConcurrentHashMap.newKeySet();

	@Override
	public void afterApplied(String group, IncomingMessage message, Outcome outcome) {
		String key = group + "/" + message.key();
		this.messages.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(message);
		this.outcomes.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(outcome);
		if (this.failOnce.remove(key)) {
			throw new IllegalStateException("test: acknowledgement lost after the effect committed");
		}
	}

	void failAcknowledgementOnce(long orderId, String group) {
		this.failOnce.add(group + "/" + orderId);
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
