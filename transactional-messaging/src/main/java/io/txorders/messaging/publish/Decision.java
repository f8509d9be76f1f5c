package io.txorders.messaging.publish;

/**
 * What a {@link LocalTransaction} decided: publish the event with its rows, or neither.
 *
 * @param <T> what the caller gets back
 * @param result handed to the caller in {@link Published#result()}
 * @param commit whether the rows commit and the event is published
 */
public record Decision<T>(T result, boolean commit) {

	public static <T> Decision<T> commit(T result) {
		return new Decision<>(result, true);
	}

	public static <T> Decision<T> rollback(T result) {
		return new Decision<>(result, false);
	}

}
