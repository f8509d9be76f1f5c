package io.txorders.producer.order;

import com.baomidou.mybatisplus.core.toolkit.Sequence;

/**
 * New order ids: MyBatis-Plus' snowflake ids, the layout of its {@code IdWorker} (the
 * millisecond, then worker and sequence bits; {@link OrderMetrics} and the benchmark read
 * the millisecond back), read from the JVM's clock. {@code IdWorker} reads MyBatis-Plus'
 * {@code SystemClock} instead, a thread that wakes every millisecond to cache the time:
 * about 4% of a core on an idle producer-service, measured.
 */
final class OrderIds {

	private static final Sequence SEQUENCE = new Sequence(null) {

		@Override
		protected long timeGen() {
			return System.currentTimeMillis();
		}

	};

	private OrderIds() {
	}

	static long next() {
		return SEQUENCE.nextId();
	}

}
