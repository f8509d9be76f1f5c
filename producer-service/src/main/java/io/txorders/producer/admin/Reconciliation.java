package io.txorders.producer.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.txorders.invariants.DatabaseInvariants;
import io.txorders.invariants.Report;
import io.txorders.messaging.admin.OnAdminCredentials;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The admin API's reconciliation: the invariants across the orders and consumer
 * databases, checked by the invariant-checker library (the same checks its command and
 * the fault harness run), with orders still in flight left out. The only place
 * producer-service reads the consumer database: through a small read-only pool of its
 * own, opened only when the admin surface is on.
 */
@Component
@Conditional(OnAdminCredentials.class)
class Reconciliation implements DisposableBean {

	private final HikariDataSource consumerDatabase;

	private final DatabaseInvariants invariants;

	Reconciliation(DataSource ordersDatabase, AdminSettings settings,
			@Value("${spring.datasource.username}") String username,
			@Value("${spring.datasource.password:}") String password,
			@Value("${txorders.orders.confirm-timeout}") Duration confirmTimeout) {
		this.consumerDatabase = DataSourceBuilder.create()
			.type(HikariDataSource.class)
			.url(settings.consumerDbUrl())
			.username(username)
			.password(password)
			.build();
		this.consumerDatabase.setMaximumPoolSize(2);
		this.consumerDatabase.setReadOnly(true);
		this.consumerDatabase.setPoolName("consumer-reconciliation");
		// An order still CREATED after the confirmation timeout is one the sweep missed.
		this.invariants = new DatabaseInvariants(ordersDatabase, this.consumerDatabase, confirmTimeout);
	}

	Map<String, Object> run() {
		Report report = this.invariants.reconcile();
		List<String> violations = report.violations()
			.entrySet()
			.stream()
			.flatMap((kind) -> kind.getValue().stream().map((violation) -> kind.getKey() + ": " + violation))
			.toList();
		return Map.of("reconciled", report.ok(), "violations", violations, "figures", report.figures(), "checkedAt",
				Instant.now());
	}

	@Override
	public void destroy() {
		this.consumerDatabase.close();
	}

}
