package io.txorders.messaging.admin;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when both {@code txorders.admin.username} and {@code txorders.admin.password}
 * are set: without credentials there is no admin surface at all (404).
 */
public class OnAdminCredentials extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment env = context.getEnvironment();
		boolean set = StringUtils.hasText(env.getProperty("txorders.admin.username"))
				&& StringUtils.hasText(env.getProperty("txorders.admin.password"));
		return set ? ConditionOutcome.match("admin credentials are set")
				: ConditionOutcome.noMatch("ADMIN_USERNAME and ADMIN_PASSWORD are not both set");
	}

}
