package io.txorders.consumer.points;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PointsConsumerTest {

	@Test
	void onePointPerWholeCurrencyUnitRoundedDown() {
		assertThat(PointsConsumer.pointsFor(new BigDecimal("30.00"))).isEqualTo(30);
		assertThat(PointsConsumer.pointsFor(new BigDecimal("29.99"))).isEqualTo(29);
		assertThat(PointsConsumer.pointsFor(new BigDecimal("0.50"))).isZero();
	}

}
