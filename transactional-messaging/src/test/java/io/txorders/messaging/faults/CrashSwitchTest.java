package io.txorders.messaging.faults;

import java.nio.file.Path;
import java.util.stream.IntStream;

import io.txorders.messaging.spi.MessagingProbe;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which reach of a crash point crashes: the n-th of the armed point, and with a filter
 * the n-th whose detail starts with the filter's words. The reach that fires is only
 * asked about here ({@code fires}); {@code reached} would park the thread for the
 * harness's SIGKILL.
 */
class CrashSwitchTest {

	private static final Path NO_SIGNAL_FILE_USED = Path.of("target", "never-written.crash-signal");

	@Test
	void withoutAFilterTheNthReachOfTheArmedPointFiresWhateverItsDetail() {
		CrashSwitch crash = new CrashSwitch("consumer-inside-effect", 3, NO_SIGNAL_FILE_USED);

		assertThat(crash.fires("consumer-before-ack", "inventory OrderCreated 1")).isFalse();
		assertThat(crash.fires("consumer-inside-effect", "inventory OrderCreated 1")).isFalse();
		assertThat(crash.fires("consumer-inside-effect", "points OrderConfirmed 1")).isFalse();
		assertThat(crash.fires("consumer-inside-effect", "payment OrderCancelled 2")).isTrue();
		assertThat(crash.fires("consumer-inside-effect", "payment OrderCancelled 3")).as("once only").isFalse();
	}

	@Test
	void aFilterCountsOnlyTheReachesWhoseDetailStartsWithItsWords() {
		CrashSwitch crash = new CrashSwitch("consumer-inside-effect", 2, NO_SIGNAL_FILE_USED,
				" payment OrderConfirmed ");

		assertThat(crash.filter()).isEqualTo("payment OrderConfirmed");
		for (String other : new String[] { "inventory OrderConfirmed 7", "payment OrderCreated 7",
				"payment OrderCancelled 7", "payment OrderConfirmedLater 7", "xpayment OrderConfirmed 7", "payment",
				"" }) {
			assertThat(crash.fires("consumer-inside-effect", other)).as(other).isFalse();
		}
		assertThat(crash.fires("consumer-before-ack", "payment OrderConfirmed 7")).as("another point").isFalse();
		assertThat(crash.fires("consumer-inside-effect", "payment OrderConfirmed 7")).as("first match").isFalse();
		assertThat(crash.fires("consumer-inside-effect", "payment OrderConfirmed 8")).as("second match").isTrue();
		assertThat(
				IntStream.range(0, 5).anyMatch((i) -> crash.fires("consumer-inside-effect", "payment OrderConfirmed")))
			.as("never again")
			.isFalse();
	}

	@Test
	void aBlankFilterIsNoFilter() {
		CrashSwitch crash = new CrashSwitch("after-half-sent", 1, NO_SIGNAL_FILE_USED, "  ");

		assertThat(crash.filter()).isNull();
		assertThat(crash.fires("after-half-sent", "OutgoingEvent[order-events OrderCreated 1] tx t-1")).isTrue();
	}

	@Test
	void crashAtMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CrashSwitch("after-half-sent", 0, NO_SIGNAL_FILE_USED, null));
	}

	@Test
	void theHarnessAimsACrashPointThroughTheFilterProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FaultHooks.class))
			.withPropertyValues("txorders.faults.crash-point=consumer-inside-effect", "txorders.faults.crash-at=3",
					"txorders.faults.crash-filter=payment OrderCancelled")
			.run((context) -> {
				MessagingProbe probe = context.getBean(MessagingProbe.class);
				assertThat(probe).isInstanceOf(CrashPoints.class);
				assertThat(((CrashPoints) probe).crash().filter()).isEqualTo("payment OrderCancelled");
			});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FaultHooks.class))
			.withPropertyValues("txorders.faults.crash-point=consumer-inside-effect")
			.run((context) -> assertThat(((CrashPoints) context.getBean(MessagingProbe.class)).crash().filter())
				.isNull());
	}

}
