package io.txorders.producer.order.store;

import com.baomidou.mybatisplus.core.toolkit.Sequence;

/**
 * New order ids: MyBatis-Plus' snowflake ids, the layout of its {@code IdWorker} (the
 * millisecond, then worker and sequence bits; {@link OrderMetrics} and the benchmark read
 * the millisecond back), read from the JVM's clock. {@code IdWorker} reads MyBatis-Plus'
 * {@code SystemClock} instead, a thread that wakes every millisecond to cache the time,
 * which costs an idle producer-service a visible share of a core.
 */
public final class OrderIds {

	private static final Sequence SEQUENCE = new Sequence(null) {

		@Override
		protected long timeGen() {
			return System.currentTimeMillis();
		}

	};

	private OrderIds() {
	}

	public static long next() {
		return SEQUENCE.nextId();
	}

}
