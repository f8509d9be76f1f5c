package io.txorders.messaging.halves;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which half messages are open, read as the broker's check service reads its half and op
 * queues.
 */
class HalfMessagesTest {

	@Test
	void aHalfWhoseOffsetAnOpMessageListsIsFinished() {
		List<MessageExt> halves = List.of(half("A", 10), half("B", 11), half("C", 12));
		List<MessageExt> ops = List.of(op("d", "10,"), op("d", "12"));

		assertThat(ids(HalfMessages.stillOpen(halves, ops))).containsExactly("B");
	}

	@Test
	void onlyTheNewestCopyOfAMessageCounts() {
		// A was checked (copy at 20) and its first copy at 10 was then ended by a late
		// COMMIT: the broker asks about the copy at 20 again, so A is open.
		List<MessageExt> halves = List.of(half("A", 10), half("B", 11), half("A", 20), half("B", 21));
		List<MessageExt> ops = List.of(op("d", "10,21,"));

		List<MessageExt> open = HalfMessages.stillOpen(halves, ops);

		assertThat(ids(open)).containsExactly("A");
		assertThat(open.get(0).getQueueOffset()).isEqualTo(20);
	}

	@Test
	void opMessagesOfAnotherTagOrWithoutABodyEndNothing() {
		List<MessageExt> halves = List.of(half("A", 10), half("B", 11));
		MessageExt empty = op("d", "");
		empty.setBody(null);

		assertThat(ids(HalfMessages.stillOpen(halves, List.of(op("x", "10,11"), empty, op("d", " , ")))))
			.containsExactly("A", "B");
	}

	private static MessageExt half(String id, long offset) {
		MessageExt half = new MessageExt();
		half.setQueueOffset(offset);
		half.putUserProperty("txId", "tx-" + id);
		half.getProperties().put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
		return half;
	}

	private static MessageExt op(String tag, String body) {
		MessageExt op = new MessageExt();
		op.setTags(tag);
		op.setBody(body.getBytes(StandardCharsets.UTF_8));
		return op;
	}

	private static List<String> ids(List<MessageExt> messages) {
		return messages.stream()
			.map((message) -> message.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
			.toList();
	}

}
