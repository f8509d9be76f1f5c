package io.txorders.messaging.faults;

import java.nio.file.Path;

import io.txorders.messaging.spi.MessagingProbe;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The fault harness's and the benchmark's {@link MessagingProbe}s. Each exists only when
 * its setting is given, which no deployment does: without them there is no such bean and
 * the kit runs {@link MessagingProbe#NONE}.
 */
@AutoConfiguration
public class FaultHooks {

	/**
	 * Crash points for the fault harness ({@code txorders.faults.crash-point}), aimed by
	 * {@code txorders.faults.crash-filter} if given (see {@link CrashSwitch}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("txorders.faults.crash-point")
	static class Crashes {

		@Bean
		MessagingProbe crashPoints(@Value("${txorders.faults.crash-point}") String point,
				@Value("${txorders.faults.crash-at:1}") int crashAt,
				@Value("${txorders.faults.signal-file:#{null}}") Path signalFile,
				@Value("${txorders.faults.crash-filter:}") String filter) {
			return new CrashPoints(new CrashSwitch(point, crashAt, signalFile, filter));
		}

	}

	/**
	 * The benchmark's check-back run ({@code TXORDERS_BENCHMARK_UNKNOWN_PERCENT}): a
	 * share of committed local transactions are answered UNKNOWN, so the broker checks
	 * them back and the barrier answers COMMIT.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(PercentSet.class)
	static class Unknowns {

		@Bean
		MessagingProbe unknownAnswers(@Value("${" + UnknownAnswers.PROPERTY + "}") String percent) {
			return new UnknownAnswers(UnknownAnswers.percent(percent));
		}

	}

	/**
	 * Matches when the property has a value: the apps map the variable with an empty
	 * default, and empty must mean off (plain {@code @ConditionalOnProperty} would match
	 * it).
	 */
	static class PercentSet extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String property = UnknownAnswers.PROPERTY;
			return StringUtils.hasText(context.getEnvironment().getProperty(property))
					? ConditionOutcome.match(property + " is set") : ConditionOutcome.noMatch(property + " is not set");
		}

	}

}
