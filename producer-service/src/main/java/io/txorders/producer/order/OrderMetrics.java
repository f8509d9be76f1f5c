package io.txorders.producer.order;

import java.util.concurrent.TimeUnit;

import com.baomidou.mybatisplus.core.toolkit.Sequence;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The order meters besides the local transaction answers: how long a transactional send
 * takes (half message, local transaction, end of transaction) and how long an order takes
 * from its submission to its final state.
 */
@Component
public class OrderMetrics {

	/** Timer, tags kind (place, cancel) and result (sent, failed). */
	public static final String HALF_SEND = "txorders.half.send";

	/** Timer, tag status (CONFIRMED, CANCELLED). */
	public static final String SETTLED = "txorders.order.settled";

	private final MeterRegistry meters;

	OrderMetrics(MeterRegistry meters) {
		this.meters = meters;
	}

	Timer.Sample startSend() {
		return Timer.start(this.meters);
	}

	void sent(Timer.Sample sample, String kind, boolean sent) {
		sample.stop(this.meters.timer(HALF_SEND, "kind", kind, "result", sent ? "sent" : "failed"));
	}

	/**
	 * Records the time from the order's submission to now, its final state. The start is
	 * read from the order id rather than {@code created_at}: against MariaDB 10 the
	 * driver drops the milliseconds the application writes. Both ends are the
	 * producer-service clocks (of possibly two replicas): keep them in NTP sync.
	 */
	void settled(long orderId, OrderStatus status) {
		long elapsed = System.currentTimeMillis() - submittedAtMillis(orderId);
		this.meters.timer(SETTLED, "status", status.name()).record(Math.max(0, elapsed), TimeUnit.MILLISECONDS);
	}

	/**
	 * An order id ({@link OrderIds}) carries the millisecond it was made.
	 */
	static long submittedAtMillis(long orderId) {
		return Sequence.parseIdTimestamp(orderId);
	}

}
