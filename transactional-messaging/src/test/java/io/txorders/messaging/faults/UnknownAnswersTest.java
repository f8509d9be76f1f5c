package io.txorders.messaging.faults;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.publish.OutgoingEvent;
import io.txorders.messaging.spi.MessagingProbe;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static io.txorders.messaging.barrier.TransactionResolution.COMMIT;
import static io.txorders.messaging.barrier.TransactionResolution.ROLLBACK;
import static io.txorders.messaging.barrier.TransactionResolution.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's UNKNOWN answers exist only when asked for, through the variable the
 * README names, and then hit the share asked for, the same transactions every time.
 */
class UnknownAnswersTest {

	private static final OutgoingEvent ORDER_CREATED = new OutgoingEvent("order-events", "OrderCreated", "42",
			"{}".getBytes(StandardCharsets.UTF_8));

	// The fault hooks as an application gets them, with the setting mapped from the
	// variable with an empty default, as producer-service's application.yml maps it.
	private final ApplicationContextRunner app = new ApplicationContextRunner()
		.withPropertyValues(UnknownAnswers.PROPERTY + "=${TXORDERS_BENCHMARK_UNKNOWN_PERCENT:}")
		.withConfiguration(AutoConfigurations.of(FaultHooks.class));

	@Test
	void withTheDefaultConfigurationThereIsNoProbe() {
		this.app.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getEnvironment().getProperty(UnknownAnswers.PROPERTY)).isEmpty();
			assertThat(context).doesNotHaveBean(MessagingProbe.class);
		});
	}

	@Test
	void theVariableSwitchesItOn() {
		this.app.withSystemProperties("TXORDERS_BENCHMARK_UNKNOWN_PERCENT=10")
			.run(context -> assertThat(context).getBean(MessagingProbe.class).isInstanceOf(UnknownAnswers.class));
	}

	@Test
	void theVariableAloneLeavesAnAppThatDoesNotMapItAlone() {
		// consumer-service and checkback start with producer-service's environment.
		new ApplicationContextRunner()
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("environment",
						Map.of("TXORDERS_BENCHMARK_UNKNOWN_PERCENT", "10"))))
			.withConfiguration(AutoConfigurations.of(FaultHooks.class))
			.run(context -> assertThat(context).doesNotHaveBean(MessagingProbe.class));
	}

	@Test
	void tenPercentOfCommittedTransactionsAreAnsweredUnknown() {
		this.app.withPropertyValues(UnknownAnswers.PROPERTY + "=10").run(context -> {
			MessagingProbe probe = context.getBean(MessagingProbe.class);
			long unknown = IntStream.range(0, 20_000)
				.mapToObj(i -> UUID.randomUUID().toString())
				.filter(txId -> probe.answer(ORDER_CREATED, txId, COMMIT) == UNKNOWN)
				.count();

			assertThat(unknown / 20_000.0).isBetween(0.09, 0.11);
		});
	}

	@Test
	void theSameTransactionAlwaysGetsTheSameAnswer() {
		MessagingProbe probe = new UnknownAnswers(10);
		IntStream.range(0, 1000).mapToObj(i -> UUID.randomUUID().toString()).forEach(txId -> {
			TransactionResolution first = probe.answer(ORDER_CREATED, txId, COMMIT);
			assertThat(new UnknownAnswers(10).answer(ORDER_CREATED, txId, COMMIT)).as(txId).isEqualTo(first);
			assertThat(UnknownAnswers.chosen(txId, 10)).isEqualTo(first == UNKNOWN);
		});
	}

	@Test
	void rollbacksAndUnknownsPassUnchanged() {
		MessagingProbe everything = new UnknownAnswers(100);
		String txId = UUID.randomUUID().toString();

		assertThat(everything.answer(ORDER_CREATED, txId, COMMIT)).isEqualTo(UNKNOWN);
		assertThat(everything.answer(ORDER_CREATED, txId, ROLLBACK)).isEqualTo(ROLLBACK);
		assertThat(everything.answer(ORDER_CREATED, txId, UNKNOWN)).isEqualTo(UNKNOWN);
		assertThat(new UnknownAnswers(0).answer(ORDER_CREATED, txId, COMMIT)).isEqualTo(COMMIT);
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
