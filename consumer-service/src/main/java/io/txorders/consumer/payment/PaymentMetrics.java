package io.txorders.consumer.payment;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import com.google.common.base.Suppliers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.txorders.consumer.payment.FundsMapper.OpenHolds;
import io.txorders.messaging.consume.AfterCommit;

import org.springframework.stereotype.Component;

/**
 * Payment's meters: operations by kind, counted when their transaction commits, and two
 * gauges read from the open holds (one indexed query, at most every few seconds whatever
 * the scrape rate): the amount frozen and the age of the oldest hold, which grows when
 * orders are neither confirmed nor cancelled.
 */
@Component
public class PaymentMetrics {

	/** Counter, tag operation (freeze, reject, capture, unfreeze, refund). */
	public static final String OPERATIONS = "txorders.payment.operations";

	/** Gauge: the sum of the frozen holds. */
	public static final String FROZEN_AMOUNT = "txorders.payment.frozen.amount";

	/** Gauge: seconds since the oldest frozen hold was made, 0 if none. */
	public static final String OLDEST_HOLD = "txorders.payment.holds.oldest.seconds";

	static final String FREEZE = "freeze";

	static final String REJECT = "reject";

	static final String CAPTURE = "capture";

	static final String UNFREEZE = "unfreeze";

	static final String REFUND = "refund";

	private final MeterRegistry meters;

	PaymentMetrics(MeterRegistry meters, FundsMapper funds) {
		this.meters = meters;
		for (String operation : new String[] { FREEZE, REJECT, CAPTURE, UNFREEZE, REFUND }) {
			counter(operation);
		}
		Supplier<OpenHolds> open = Suppliers.memoizeWithExpiration(funds::openHolds, Duration.ofSeconds(5));
		Gauge.builder(FROZEN_AMOUNT, () -> open.get().frozen())
			.description("Money frozen for orders neither confirmed nor cancelled")
			.register(meters);
		Gauge.builder(OLDEST_HOLD, () -> {
			Instant oldest = open.get().oldest();
			return (oldest != null) ? Math.max(0, Duration.between(oldest, Instant.now()).toSeconds()) : 0;
		}).description("Age of the oldest frozen hold").baseUnit("seconds").register(meters);
	}

	private Counter counter(String operation) {
		return this.meters.counter(OPERATIONS, "operation", operation);
	}

	/** Counted once the local transaction commits, never for a rolled-back attempt. */
	void countAfterCommit(String operation) {
		AfterCommit.increment(counter(operation));
	}

}
