package io.txorders.local;

/**
 * A failure with a message written for the person at the terminal: what failed and how to
 * fix it. The launcher prints the message and exits non-zero.
 */
class StackException extends RuntimeException {

	StackException(String message) {
		super(message);
	}

	StackException(String message, Throwable cause) {
		super(message, cause);
	}

}
