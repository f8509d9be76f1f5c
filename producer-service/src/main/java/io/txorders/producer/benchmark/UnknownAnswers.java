package io.txorders.producer.benchmark;

import io.txorders.producer.order.LocalTransactionProbe;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The benchmark's check-back phase: a {@link LocalTransactionProbe} that answers UNKNOWN
 * instead of COMMIT for a share of the local transactions that committed, so the broker
 * checks them back and the {@code TransactionBarrier} answers COMMIT. It exists only when
 * {@value #PROPERTY} ({@code TXORDERS_BENCHMARK_UNKNOWN_PERCENT}) is set, which no
 * deployment does; unset or empty, there is no such bean.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(UnknownAnswers.PercentSet.class)
class UnknownAnswers {

	static final String PROPERTY = "txorders.benchmark.unknown-percent";

	@Bean
	LocalTransactionProbe unknownAnswerProbe(@Value("${" + PROPERTY + "}") String percent) {
		return new UnknownAnswerProbe(UnknownAnswerProbe.percent(percent));
	}

	/**
	 * Matches when the property has a value: application.yml maps the variable with an
	 * empty default, and empty must mean off (plain {@code @ConditionalOnProperty} would
	 * match it).
	 */
	static class PercentSet extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return StringUtils.hasText(context.getEnvironment().getProperty(PROPERTY))
					? ConditionOutcome.match(PROPERTY + " is set") : ConditionOutcome.noMatch(PROPERTY + " is not set");
		}

	}

}
