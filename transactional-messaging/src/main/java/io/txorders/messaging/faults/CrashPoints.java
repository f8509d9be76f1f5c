package io.txorders.messaging.faults;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.spi.MessagingProbe;

/**
 * The fault harness's crash points, armed only when {@code txorders.faults.crash-point}
 * names one of them (never in a deployment's configuration). Publishing:
 * <ul>
 * <li>{@code after-half-sent}: the half message is stored, the local transaction has not
 * begun;</li>
 * <li>{@code inside-local-transaction}: every row written, not committed;</li>
 * <li>{@code after-local-commit}: committed in the database, COMMIT not yet sent to the
 * broker;</li>
 * <li>{@code after-broker-commit}: the broker has the answer; the caller has none;</li>
 * <li>{@code relay-before-mark}: the relay's half message for a row of the local message
 * table is stored, the row not yet marked sent (its detail is the event, so
 * {@code txorders.faults.crash-filter} can aim it at one event type).</li>
 * </ul>
 * Consuming:
 * <ul>
 * <li>{@code consumer-inside-effect}: the dedupe row is written, the effect's transaction
 * is open (its detail is "group event key", so {@code txorders.faults.crash-filter} can
 * aim it at one group's step, e.g. {@code payment OrderConfirmed});</li>
 * <li>{@code consumer-before-ack}: the effect is committed, the broker has no
 * acknowledgement.</li>
 * </ul>
 */
final class CrashPoints implements MessagingProbe {

	private final CrashSwitch crash;

	CrashPoints(CrashSwitch crash) {
		this.crash = crash;
	}

	CrashSwitch crash() {
		return this.crash;
	}

	@Override
	public void beforeLocalTransaction(OutgoingEvent event, String txId) {
		this.crash.reached("after-half-sent", event + " tx " + txId);
	}

	@Override
	public void beforeCommit(OutgoingEvent event, String txId) {
		this.crash.reached("inside-local-transaction", event + " tx " + txId);
	}

	@Override
	public TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
		if (answer == TransactionResolution.COMMIT) {
			this.crash.reached("after-local-commit", event + " tx " + txId);
		}
		return answer;
	}

	@Override
	public void afterBrokerAnswered(OutgoingEvent event, String txId) {
		this.crash.reached("after-broker-commit", event + " tx " + txId);
	}

	@Override
	public void beforeRelayMark(OutgoingEvent event, String txId) {
		this.crash.reached("relay-before-mark", event + " tx " + txId);
	}

	@Override
	public void insideEffect(String group, IncomingMessage message) {
		this.crash.reached("consumer-inside-effect", group + " " + message.eventType() + " " + message.key());
	}

	@Override
	public void afterApplied(String group, IncomingMessage message, Outcome outcome) {
		this.crash.reached("consumer-before-ack", group + " " + message.eventType() + " " + message.key());
	}

}
