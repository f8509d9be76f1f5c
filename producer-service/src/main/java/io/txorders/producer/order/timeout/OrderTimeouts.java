package io.txorders.producer.order.timeout;

import java.time.Instant;
import java.util.List;

import io.txorders.messaging.consume.Outcome;
import io.txorders.producer.order.OrderSettings;
import io.txorders.producer.order.cancel.OrderCancellations;
import io.txorders.producer.order.store.OrderStore;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Cancels, with cause TIMED_OUT, every order still CREATED after the confirmation
 * timeout: a participant that never replied (its group stopped, its reply lost to a DLQ)
 * must not hold stock and funds for ever. Runs on one producer-service instance at a time
 * (ShedLock's row in the orders database); each cancel is the guarded transition every
 * cancel is, published with OrderCancelled in one local transaction, so a reply that
 * confirms the order meanwhile wins or loses cleanly. A Try reply that comes after the
 * timeout changes nothing: OrderCancelled undoes what that Try did.
 */
@Component
class OrderTimeouts {

	private static final Logger log = LoggerFactory.getLogger(OrderTimeouts.class);

	/** Orders looked at per batch; the sweep goes on while batches come back full. */
	static final int BATCH = 100;

	/** Batches per run at most, so one run never holds the lock for long. */
	private static final int MAX_BATCHES = 20;

	private final OrderStore store;

	private final OrderCancellations cancellations;

	private final OrderSettings settings;

	OrderTimeouts(OrderStore store, OrderCancellations cancellations, OrderSettings settings) {
		this.store = store;
		this.cancellations = cancellations;
		this.settings = settings;
	}

	@Scheduled(fixedDelayString = "${txorders.orders.timeout-sweep}",
			initialDelayString = "${txorders.orders.timeout-sweep}")
	@SchedulerLock(name = "order-confirm-timeout", lockAtMostFor = "${txorders.orders.timeout-lock-at-most:PT5M}")
	void sweep() {
		int cancelled = 0;
		int movedOn = 0;
		int failed = 0;
		for (int batch = 0; batch < MAX_BATCHES; batch++) {
			Instant before = Instant.now().minus(this.settings.confirmTimeout());
			List<Long> overdue = this.store.createdBefore(before, BATCH);
			for (long orderId : overdue) {
				try {
					if (this.cancellations.cancelTimedOut(orderId).outcome() == Outcome.APPLIED) {
						cancelled++;
						log.info("order {}: not every Try replied within {}; CANCELLED (TIMED_OUT)", orderId,
								this.settings.confirmTimeout());
					}
					else {
						movedOn++;
					}
				}
				catch (RuntimeException ex) {
					// The broker or the database is failing: this order is taken again
					// on the next run.
					failed++;
					log.warn("order {}: the timeout cancel failed, retried on the next sweep: {}", orderId,
							ex.toString());
				}
			}
			if (overdue.size() < BATCH || failed > 0) {
				break;
			}
		}
		if (cancelled + movedOn + failed > 0) {
			log.info("timeout sweep: {} cancelled, {} settled meanwhile, {} failed", cancelled, movedOn, failed);
		}
	}

}
