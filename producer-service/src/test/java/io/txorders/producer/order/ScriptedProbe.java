package io.txorders.producer.order;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.spi.MessagingProbe;

/**
 * A {@link MessagingProbe} that tests script: each {@link Script} applies to the next
 * local transaction that starts, and tells the test that transaction's id.
 */
class ScriptedProbe implements MessagingProbe {

	private final Queue<Script> next = new ConcurrentLinkedQueue<>();

	// The kit runs the whole local transaction on the request thread.
	private final ThreadLocal<Script> current = new ThreadLocal<>();

	private final AtomicInteger started = new AtomicInteger();

	/** Applies to the next local transaction. */
	Script next() {
		Script script = new Script();
		this.next.add(script);
		return script;
	}

	/** How many local transactions have started so far. */
	int started() {
		return this.started.get();
	}

	@Override
	public void beforeLocalTransaction(OutgoingEvent event, String txId) {
		this.started.incrementAndGet();
		Script script = this.next.poll();
		this.current.set(script);
		if (script != null) {
			script.txId.complete(txId);
			script.beforeLocalTransaction.accept(txId);
		}
	}

	@Override
	public void beforeCommit(OutgoingEvent event, String txId) {
		Script script = this.current.get();
		if (script != null) {
			script.beforeCommit.accept(txId);
		}
	}

	@Override
	public TransactionResolution answer(OutgoingEvent event, String txId, TransactionResolution answer) {
		Script script = this.current.get();
		this.current.remove();
		return (script != null && script.answer != null) ? script.answer : answer;
	}

	static final class Script {

		final CompletableFuture<String> txId = new CompletableFuture<>();

		private Consumer<String> beforeLocalTransaction = txId -> {
		};

		private Consumer<String> beforeCommit = txId -> {
		};

		private TransactionResolution answer;

		Script beforeLocalTransaction(Consumer<String> action) {
			this.beforeLocalTransaction = action;
			return this;
		}

		Script beforeCommit(Consumer<String> action) {
			this.beforeCommit = action;
			return this;
		}

		/** The kit answers this instead of what the local transaction decided. */
		Script answer(TransactionResolution answer) {
			this.answer = answer;
			return this;
		}

	}

}
