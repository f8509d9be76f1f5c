package io.txorders.consumer.messaging;

import io.txorders.consumer.messaging.TransactionalReplies.Attempt;
import io.txorders.consumer.messaging.TransactionalReplies.CommitUnknown;
import io.txorders.consumer.messaging.TransactionalReplies.Decided;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a reply's local transaction decides the half message's end: what it decided, a
 * rollback when it failed before committing, and no end at all (the check-back decides)
 * when it may have committed.
 */
class TransactionalRepliesTest {

	@Test
	void theReplyEndsAsTheLocalTransactionDecided() {
		Attempt<String> committed = new Attempt<>("tx-1", (txId) -> Decided.commit("applied " + txId));
		Attempt<String> rolledBack = new Attempt<>("tx-2", (txId) -> Decided.rollback("duplicate"));

		assertThat(committed.run()).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
		assertThat(committed.decided.result()).isEqualTo("applied tx-1");
		assertThat(rolledBack.run()).isEqualTo(LocalTransactionState.ROLLBACK_MESSAGE);
		assertThat(rolledBack.decided.result()).isEqualTo("duplicate");
		assertThat(committed.failure).isNull();
	}

	@Test
	void aLocalTransactionThatFailedRollsTheReplyBackAndItsFailureIsKept() {
		IllegalStateException down = new IllegalStateException("database unreachable");
		Attempt<String> attempt = new Attempt<>("tx-1", (txId) -> {
			throw down;
		});

		assertThat(attempt.run()).isEqualTo(LocalTransactionState.ROLLBACK_MESSAGE);
		assertThat(attempt.ran).isTrue();
		assertThat(attempt.failure).isSameAs(down);
	}

	@Test
	void aLocalTransactionThatMayHaveCommittedLeavesTheReplyToTheCheckBack() {
		IllegalStateException lost = new IllegalStateException("connection lost during COMMIT");
		Attempt<String> attempt = new Attempt<>("tx-1", (txId) -> {
			throw new CommitUnknown(lost);
		});

		assertThat(attempt.run()).isEqualTo(LocalTransactionState.UNKNOW);
		assertThat(attempt.failure).as("the caller sees the original failure").isSameAs(lost);
	}

}
