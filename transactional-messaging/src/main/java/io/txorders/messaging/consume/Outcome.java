package io.txorders.messaging.consume;

/**
 * What applying one message did. Business rejections are outcomes, not failures.
 */
public enum Outcome {

	/** The effect was applied now. */
	APPLIED,
	/** The business said no (stock short); the refusal was recorded. */
	REJECTED,
	/** This group applied this message before: nothing done, acknowledge. */
	DUPLICATE,
	/** The order was cancelled before this effect arrived: not applied, acknowledge. */
	SKIPPED

}
