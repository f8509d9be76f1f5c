package io.txorders.consumer.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/reconciliation}: the invariants across the orders and consumer
 * databases ({@link Reconciliation}). Reads the orders database through a small pool of
 * its own, opened only when the admin surface is on (credentials set).
 */
@RestController
@Conditional(OnAdminCredentials.class)
class ReconciliationController implements DisposableBean {

	private final HikariDataSource ordersDatabase;

	private final Reconciliation reconciliation;

	ReconciliationController(DataSource consumerDatabase, @Value("${txorders.admin.orders-db-url}") String ordersUrl,
			@Value("${spring.datasource.username}") String username,
			@Value("${spring.datasource.password:}") String password) {
		this.ordersDatabase = DataSourceBuilder.create()
			.type(HikariDataSource.class)
			.url(ordersUrl)
			.username(username)
			.password(password)
			.build();
		this.ordersDatabase.setMaximumPoolSize(2);
		this.ordersDatabase.setReadOnly(true);
		this.ordersDatabase.setPoolName("orders-reconciliation");
		this.reconciliation = new Reconciliation(new JdbcTemplate(this.ordersDatabase),
				new JdbcTemplate(consumerDatabase));
	}

	@GetMapping("/admin/reconciliation")
	Map<String, Object> reconcile() {
		List<String> violations = this.reconciliation.violations();
		return Map.of("reconciled", violations.isEmpty(), "violations", violations, "checkedAt", Instant.now());
	}

	@Override
	public void destroy() {
		this.ordersDatabase.close();
	}

}
