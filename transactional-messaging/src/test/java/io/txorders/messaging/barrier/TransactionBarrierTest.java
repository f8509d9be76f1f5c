package io.txorders.messaging.barrier;

import java.time.Duration;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class TransactionBarrierTest {

	@Test
	void everyCheckbackAnswerHasItsSeriesBeforeTheFirstCheckback() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();

		new TransactionBarrier(mock(DataSource.class), Duration.ofSeconds(1), meters);

		for (TransactionResolution answer : TransactionResolution.values()) {
			Timer timer = meters.find(TransactionBarrier.CHECKBACKS).tag("answer", answer.name()).timer();
			assertThat(timer).as(answer.name()).isNotNull();
			assertThat(timer.count()).isZero();
		}
	}

}
