package io.txorders.producer.web;

import java.net.ConnectException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.txorders.producer.order.OrderProblems;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the soak: during a broker restart every refused order logged its whole stack
 * trace (33 MB of log in three minutes). At INFO, a refused order is one line that names
 * the root cause.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedOrderLogTest {

	private final Logger logger = (Logger) LoggerFactory.getLogger(ProblemResponses.class);

	private Level level;

	@BeforeEach
	void atInfo() {
		this.level = this.logger.getLevel();
		this.logger.setLevel(Level.INFO);
	}

	@AfterEach
	void restore() {
		this.logger.setLevel(this.level);
	}

	@Test
	void aRefusedOrderIsOneLineWithItsRootCause(CapturedOutput output) {
		OrderProblems.NothingChanged refused = new OrderProblems.NothingChanged(
				"the message broker is unavailable; nothing was written, retry with the same Idempotency-Key",
				new IllegalStateException("send message Exception", new ConnectException("Connection refused")));

		assertThat(new ProblemResponses().nothingChanged(refused).getStatusCode().value()).isEqualTo(503);

		String logged = output.getOut() + output.getErr();
		assertThat(logged).contains("request not carried out: the message broker is unavailable")
			.contains("java.net.ConnectException: Connection refused");
		assertThat(logged.lines().filter((line) -> line.contains("request not carried out"))).hasSize(1);
		assertThat(logged).doesNotContain("\tat ").doesNotContain("Caused by");
	}

}
