package io.txorders.messaging.publish;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.spi.MessagingProbe;

/**
 * A {@link MessagingProbe} that writes down each publishing point it is reached at, and
 * answers the broker as told (by default, as the kit decided).
 */
final class RecordingProbe implements MessagingProbe {

	/** One point reached, for one transaction. */
	record Point(String name, String txId) {
	}

	private final List<Point> points = new CopyOnWriteArrayList<>();

	private volatile UnaryOperator<TransactionResolution> answers = UnaryOperator.identity();

	private volatile RuntimeException beforeLocalTransactionFailure;

	/** From now on answers {@code answer} whatever the kit decided. */
	void answerInstead(TransactionResolution answer) {
		this.answers = (decided) -> answer;
	}

	/** From now on answers as the kit decided. */
	void answerAsDecided() {
		this.answers = UnaryOperator.identity();
	}

	/** From now on throws when asked for the answer, as if it were lost on the way. */
	void loseTheAnswer() {
		this.answers = (decided) -> {
			throw new IllegalStateException("answer lost on the way to the broker");
		};
	}

	/** From now on throws {@code failure} when the half message is stored. */
	void failBeforeLocalTransaction(RuntimeException failure) {
		this.beforeLocalTransactionFailure = failure;
	}

	List<Point> points() {
		return List.copyOf(this.points);
	}

	List<String> names() {
		return this.points.stream().map(Point::name).toList();
	}

	@Override
	public void beforeLocalTransaction(OutgoingEvent event, String txId) {
		this.points.add(new Point("beforeLocalTransaction", txId));
		if (this.beforeLocalTransactionFailure != null) {
			throw this.beforeLocalTransactionFailure;
		}
	}

	@Override
	public void beforeCommit(OutgoingEvent event, String txId) {
		this.points.add(new Point("beforeCommit", txId));
	}

	@Override
	public TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
		this.points.add(new Point("answer " + answer, txId));
		return this.answers.apply(answer);
	}

	@Override
	public void afterBrokerAnswered(OutgoingEvent event, String txId) {
		this.points.add(new Point("afterBrokerAnswered", txId));
	}

}
