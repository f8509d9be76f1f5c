package io.txorders.messaging.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.messaging.barrier.TransactionBarrier;
import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.outbox.OutboxRows.Backlog;
import io.txorders.messaging.outbox.OutboxRows.Claim;
import io.txorders.messaging.outbox.OutboxRows.Row;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TransactionalPublisher;
import io.txorders.messaging.publish.TransactionalPublisher.NotPublished;
import io.txorders.messaging.spi.MessagingProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;

/**
 * Publishes the local message table: each row as a transactional message whose local
 * transaction deletes the row (only if this relay's claim still holds it), so the
 * broker's check-back answers from the barrier as for any event, and two relays that
 * reach one row publish it once. Safe with any number of instances: rows are claimed with
 * {@code SKIP LOCKED} for a lease. A failed row is retried with capped exponential
 * backoff and never given up: an event whose rows committed is never dropped; the age of
 * the oldest row is the alarm instead.
 * <p>
 * Meters: {@code txorders.outbox.pending} and {@code txorders.outbox.oldest.seconds}
 * (gauges, refreshed every poll), {@code txorders.outbox.relayed} and
 * {@code txorders.outbox.relay.failures} (counters, tag kind).
 */
public class OutboxRelay {

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	public static final String PENDING = "txorders.outbox.pending";

	public static final String OLDEST = "txorders.outbox.oldest.seconds";

	public static final String RELAYED = "txorders.outbox.relayed";

	public static final String FAILURES = "txorders.outbox.relay.failures";

	private final OutboxRows rows;

	private final TransactionalPublisher publisher;

	private final TransactionBarrier barrier;

	private final MessagingProbe probe;

	private final MeterRegistry meters;

	private final Settings settings;

	private final Semaphore wakeups = new Semaphore(0);

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean stopped;

	private volatile Backlog backlog = new Backlog(0, 0);

	private volatile long measuredAt = System.nanoTime() - Long.MAX_VALUE / 2;

	/**
	 * How the relay works.
	 *
	 * @param threads relay threads in this process, each claiming its own rows
	 * @param batch rows one claim takes
	 * @param pollInterval how often an idle relay looks for due rows
	 * @param lease how long a claim keeps other relays off its rows; longer than one
	 * publish takes
	 * @param firstRetry the wait after the first failed attempt, doubled after each
	 * @param maxRetryWait the longest wait between two attempts
	 */
	public record Settings(int threads, int batch, Duration pollInterval, Duration lease, Duration firstRetry,
			Duration maxRetryWait) {
	}

	public OutboxRelay(OutboxRows rows, TransactionalPublisher publisher, TransactionBarrier barrier,
			MessagingProbe probe, MeterRegistry meters, Settings settings) {
		this.rows = rows;
		this.publisher = publisher;
		this.barrier = barrier;
		this.probe = probe;
		this.meters = meters;
		this.settings = settings;
		Gauge.builder(PENDING, this, relay -> relay.backlog.pending())
			.description("events in the local message table, not yet published")
			.register(meters);
		Gauge.builder(OLDEST, this, relay -> relay.backlog.oldestSeconds())
			.description("age of the oldest event in the local message table, 0 when none waits")
			.register(meters);
	}

	public synchronized void start() {
		this.stopped = false;
		this.publisher.whenQueued(this::wake);
		for (int i = 0; i < this.settings.threads(); i++) {
			Thread thread = new Thread(this::loop, "outbox-relay-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
		log.info("outbox relay started: {} thread(s), polling every {}, lease {}", this.settings.threads(),
				this.settings.pollInterval(), this.settings.lease());
	}

	public synchronized void stop() {
		this.stopped = true;
		this.publisher.whenQueued(() -> {
		});
		for (Thread thread : this.threads) {
			thread.interrupt();
		}
		for (Thread thread : this.threads) {
			try {
				thread.join(this.settings.lease().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.threads.clear();
	}

	/** Look for due rows now rather than at the next poll. */
	public void wake() {
		if (this.wakeups.availablePermits() < this.settings.threads()) {
			this.wakeups.release();
		}
	}

	/** The table as last measured. */
	public Backlog backlog() {
		return this.backlog;
	}

	private void loop() {
		while (!this.stopped) {
			try {
				boolean more = relayOnce() == this.settings.batch();
				if (!more) {
					this.wakeups.tryAcquire(this.settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
					this.wakeups.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				log.warn("outbox relay: {}; trying again in {}", ex.toString(), this.settings.pollInterval());
				sleep(this.settings.pollInterval());
			}
		}
	}

	/**
	 * One round: measures the table, claims due rows and publishes them in order.
	 * @return how many rows the claim took
	 */
	public int relayOnce() {
		long now = System.nanoTime();
		if (now - this.measuredAt >= this.settings.pollInterval().toNanos()) {
			this.measuredAt = now;
			refreshBacklog();
		}
		if (this.publisher.brokerSkipped()) {
			return 0;
		}
		Claim claim = this.rows.claim(this.settings.batch(), this.settings.lease());
		List<Row> claimed = claim.rows();
		for (int i = 0; i < claimed.size(); i++) {
			if (this.stopped || !relay(claimed.get(i), claim.token())) {
				// The broker is out of reach: the rest wait for the next round.
				this.rows.release(claim.token());
				break;
			}
		}
		return claimed.size();
	}

	/**
	 * Publishes one claimed row.
	 * @return false if the broker could not be reached (stop this round)
	 */
	boolean relay(Row row, String token) {
		String kind = row.event().tag();
		Published<Boolean> published;
		String[] relayTx = new String[1];
		try {
			published = this.publisher.sendHalf(row.event(), txId -> {
				relayTx[0] = txId;
				this.probe.beforeRelayMark(row.event(), txId);
				return this.rows.markSent(row.id(), token) ? Decision.commit(true) : Decision.rollback(false);
			});
		}
		catch (NotPublished ex) {
			retryLater(row, token, ex.getMessage());
			return false;
		}
		switch (published.status()) {
			case COMMITTED -> relayed(row);
			case ROLLED_BACK -> {
				if (published.failure() != null) {
					retryLater(row, token, published.failure().toString());
				}
				else {
					// Another relay took the row over after this one's lease ran out.
					log.info("outbox row {} ({}) is another relay's now; not published by this one", row.id(),
							row.event());
				}
			}
			case REFUSED_BY_CHECKBACK -> retryLater(row, token, "the broker's check-back rolled the relay back");
			case UNKNOWN -> {
				// The delete's COMMIT went unanswered: settled as the check-back will be.
				TransactionResolution settled = (relayTx[0] != null) ? this.barrier.settle(relayTx[0])
						: TransactionResolution.UNKNOWN;
				switch (settled) {
					case COMMIT -> relayed(row);
					case ROLLBACK -> retryLater(row, token, published.failure().toString());
					case UNKNOWN -> log.warn("outbox row {} ({}): the commit of its relay is unknown; the lease frees "
							+ "the row if it was not deleted", row.id(), row.event());
				}
			}
		}
		return true;
	}

	private void relayed(Row row) {
		relayed(row.event().tag()).increment();
		if (row.attempts() > 0 || log.isDebugEnabled()) {
			log.info("outbox row {} ({}) published after {} failed attempt(s), {} ms after it was written", row.id(),
					row.event(), row.attempts(), System.currentTimeMillis() - row.createdAt().toEpochMilli());
		}
	}

	private void retryLater(Row row, String token, String error) {
		failures(row.event().tag()).increment();
		Duration wait = retryWait(row.attempts() + 1);
		log.warn("outbox row {} ({}): attempt {} failed ({}); next in {}", row.id(), row.event(), row.attempts() + 1,
				error, wait);
		try {
			this.rows.retryLater(row.id(), token, wait, error);
		}
		catch (DataAccessException ex) {
			log.warn("outbox row {}: could not record the failed attempt ({}); the lease frees it", row.id(),
					ex.getMessage());
		}
	}

	/** Capped exponential backoff with jitter (up to a fifth less), no maximum count. */
	Duration retryWait(int failedAttempts) {
		long first = this.settings.firstRetry().toMillis();
		long cap = this.settings.maxRetryWait().toMillis();
		long wait = (failedAttempts >= 31) ? cap : Math.min(cap, first << Math.min(30, failedAttempts - 1));
		long jitter = (wait > 1) ? ThreadLocalRandom.current().nextLong(wait / 5 + 1) : 0;
		return Duration.ofMillis(Math.max(1, wait - jitter));
	}

	private void refreshBacklog() {
		try {
			this.backlog = this.rows.backlog();
		}
		catch (DataAccessException ex) {
			log.warn("outbox relay: could not measure the local message table: {}", ex.getMessage());
		}
	}

	private Counter relayed(String kind) {
		return this.meters.counter(RELAYED, "kind", kind);
	}

	private Counter failures(String kind) {
		return this.meters.counter(FAILURES, "kind", kind);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
