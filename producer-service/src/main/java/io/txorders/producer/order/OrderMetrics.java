package io.txorders.producer.order;

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

	private final MeterRegistry meters;

	OrderMetrics(MeterRegistry meters) {
		this.meters = meters;
		// At zero from the start, so the settlement alert has a series at once.
		timer(OrderStatus.CONFIRMED);
		timer(OrderStatus.CANCELLED);
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
