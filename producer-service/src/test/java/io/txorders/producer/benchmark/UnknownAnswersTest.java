package io.txorders.producer.benchmark;

import java.util.UUID;
import java.util.stream.IntStream;

import io.txorders.producer.order.LocalTransactionProbe;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.apache.rocketmq.spring.core.RocketMQLocalTransactionState.COMMIT;
import static org.apache.rocketmq.spring.core.RocketMQLocalTransactionState.ROLLBACK;
import static org.apache.rocketmq.spring.core.RocketMQLocalTransactionState.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's UNKNOWN answers exist only when asked for, through the variable the
 * README names, and then hit the share asked for, the same transactions every time.
 */
class UnknownAnswersTest {

	// producer-service's own application.yml, as the app reads it.
	private final ApplicationContextRunner app = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withUserConfiguration(UnknownAnswers.class);

	@Test
	void withTheDefaultConfigurationThereIsNoProbe() {
		this.app.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getEnvironment().getProperty(UnknownAnswers.PROPERTY)).isEmpty();
			assertThat(context).doesNotHaveBean(LocalTransactionProbe.class);
		});
	}

	@Test
	void theVariableSwitchesItOn() {
		this.app.withSystemProperties("TXORDERS_BENCHMARK_UNKNOWN_PERCENT=10")
			.run(context -> assertThat(context).hasSingleBean(LocalTransactionProbe.class));
	}

	@Test
	void tenPercentOfCommittedTransactionsAreAnsweredUnknown() {
		this.app.withPropertyValues(UnknownAnswers.PROPERTY + "=10").run(context -> {
			LocalTransactionProbe probe = context.getBean(LocalTransactionProbe.class);
			long unknown = IntStream.range(0, 20_000)
				.mapToObj(i -> UUID.randomUUID().toString())
				.filter(txId -> probe.answer(txId, COMMIT) == UNKNOWN)
				.count();

			assertThat(unknown / 20_000.0).isBetween(0.09, 0.11);
		});
	}

	@Test
	void theSameTransactionAlwaysGetsTheSameAnswer() {
		LocalTransactionProbe probe = new UnknownAnswerProbe(10);
		IntStream.range(0, 1000).mapToObj(i -> UUID.randomUUID().toString()).forEach(txId -> {
			RocketMQLocalTransactionState first = probe.answer(txId, COMMIT);
			assertThat(new UnknownAnswerProbe(10).answer(txId, COMMIT)).as(txId).isEqualTo(first);
			assertThat(UnknownAnswerProbe.chosen(txId, 10)).isEqualTo(first == UNKNOWN);
		});
	}

	@Test
	void rollbacksAndUnknownsPassUnchanged() {
		LocalTransactionProbe everything = new UnknownAnswerProbe(100);
		String txId = UUID.randomUUID().toString();

		assertThat(everything.answer(txId, COMMIT)).isEqualTo(UNKNOWN);
		assertThat(everything.answer(txId, ROLLBACK)).isEqualTo(ROLLBACK);
		assertThat(everything.answer(txId, UNKNOWN)).isEqualTo(UNKNOWN);
		assertThat(new UnknownAnswerProbe(0).answer(txId, COMMIT)).isEqualTo(COMMIT);
	}

	@Test
	void aPercentOutsideZeroToHundredStopsTheApp() {
		this.app.withPropertyValues(UnknownAnswers.PROPERTY + "=110")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("must be a whole number from 0 to 100, got 110"));
		this.app.withPropertyValues(UnknownAnswers.PROPERTY + "=ten")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("must be a whole number from 0 to 100, got 'ten'"));
	}

}
