package io.txorders.producer.web;

import java.sql.SQLRecoverableException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the fault harness: with every database connection killed, a request failed
 * outside the local transaction with a bare 500. Every database outage is a 503 the
 * client may retry.
 */
class DatabaseUnavailableProblemTest {

	static DataAccessException[] outages() {
		return new DataAccessException[] {
				new RecoverableDataAccessException("Communications link failure", new SQLRecoverableException()),
				new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection"),
				new QueryTimeoutException("query timed out"), new CannotAcquireLockException("Lock wait timeout") };
	}

	@ParameterizedTest
	@MethodSource("outages")
	void aDatabaseOutageIsA503TheClientMayRetry(DataAccessException outage) {
		ResponseEntity<ProblemDetail> response = new ProblemResponses().databaseUnavailable(outage);

		assertThat(response.getStatusCode().value()).isEqualTo(503);
		assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(response.getBody().getDetail()).contains("database is unavailable").contains("Idempotency-Key");
	}

}
