package io.txorders.producer.order;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.baomidou.mybatisplus.core.toolkit.Sequence;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.txorders.producer.order.store.OrderStatus;

import org.springframework.stereotype.Component;

/**
 * How long an order takes from its submission to its final state. The kit counts the
 * local transactions' answers and times the transactional sends.
 */
@Component
public class OrderMetrics {

	/** Timer, tag status (CONFIRMED, CANCELLED). */
	public static final String SETTLED = "txorders.order.settled";

	/** Counter, tag cause: why orders were cancelled. */
	public static final String CANCELLED = "txorders.order.cancelled";

	/** The causes of a cancel, each a series from the start. */
	public static final List<String> CANCEL_CAUSES = List.of("INVENTORY_REJECTED", "PAYMENT_REJECTED", "TIMED_OUT",
			"USER_CANCELLED");

	private final MeterRegistry meters;

	OrderMetrics(MeterRegistry meters) {
		this.meters = meters;
		// At zero from the start, so the settlement alert has a series at once.
		timer(OrderStatus.CONFIRMED);
		timer(OrderStatus.CANCELLED);
		CANCEL_CAUSES.forEach(this::cancelledCounter);
	}

	private io.micrometer.core.instrument.Counter cancelledCounter(String cause) {
		return this.meters.counter(CANCELLED, "cause", cause);
	}

	/** Counts a cancel by its cause. */
	public void cancelled(String cause) {
		cancelledCounter(cause).increment();
	}

	private Timer timer(OrderStatus status) {
		return this.meters.timer(SETTLED, "status", status.name());
	}

	/**
	 * Records the time from the order's submission to now, its final state. The start is
	 * read from the order id rather than {@code created_at}: against MariaDB 10 the
	 * driver drops the milliseconds the application writes. Both ends are the
	 * producer-service clocks (of possibly two replicas): keep them in NTP sync.
	 */
	public void settled(long orderId, OrderStatus status) {
		long elapsed = System.currentTimeMillis() - submittedAtMillis(orderId);
		timer(status).record(Math.max(0, elapsed), TimeUnit.MILLISECONDS);
	}

	/**
	 * An order id ({@link OrderIds}) carries the millisecond it was made.
	 */
	public static long submittedAtMillis(long orderId) {
		return Sequence.parseIdTimestamp(orderId);
	}

}
