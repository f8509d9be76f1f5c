package io.txorders.messaging.consume;

/**
 * Applies one kind of event for one consumer group.
 *
 * @param <E> the event type
 */
public interface EventHandler<E> {

	/** The event class the message body is read into. */
	Class<E> eventClass();

	/**
	 * Applies the event, exactly once per group and message key: dedupe row and effect
	 * commit together. Throws for failures worth retrying; returns rejections as
	 * outcomes.
	 */
	Outcome handle(E event, IncomingMessage message);

	static <E> EventHandler<E> of(Class<E> eventClass,
			java.util.function.BiFunction<E, IncomingMessage, Outcome> handle) {
		return new EventHandler<>() {
			@Override
			public Class<E> eventClass() {
				return eventClass;
			}

			@Override
			public Outcome handle(E event, IncomingMessage message) {
				return handle.apply(event, message);
			}
		};
	}

}
