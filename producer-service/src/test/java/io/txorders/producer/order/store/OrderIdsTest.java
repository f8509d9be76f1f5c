package io.txorders.producer.order.store;

import java.util.HashSet;
import java.util.Set;

import io.txorders.producer.order.OrderMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderIdsTest {

	@Test
	void idsAreUniqueIncreasingAndCarryTheMillisecondTheyWereMade() {
		long before = System.currentTimeMillis();
		Set<Long> ids = new HashSet<>();
		long previous = 0;
		for (int i = 0; i < 100_000; i++) {
			long id = OrderIds.next();
			assertThat(id).isGreaterThan(previous);
			previous = id;
			ids.add(id);
		}
		long after = System.currentTimeMillis();
		assertThat(ids).hasSize(100_000);
		assertThat(OrderMetrics.submittedAtMillis(previous)).isBetween(before, after);
	}

	@Test
	void makingIdsStartsNoClockThread() {
		OrderIds.next();
		// MyBatis-Plus' IdWorker would start its SystemClock thread, and that thread
		// wakes every millisecond.
		assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain("System Clock");
	}

}
