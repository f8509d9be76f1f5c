package io.txorders.messaging.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.txorders.messaging.outbox.OutboxRelay;
import io.txorders.messaging.outbox.OutboxRows;
import io.txorders.messaging.publish.TransactionalPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The local message table on the admin surface of every app that publishes (behind the
 * admin credentials, {@code /admin/api/outbox}): what waits and why, the circuit breaker,
 * and an operator's levers: force the breaker open (every event to the table, the relay
 * paused: broker maintenance) or close it, and make every waiting row due now.
 */
@RestController
@RequestMapping(path = "/admin/api/outbox", produces = MediaType.APPLICATION_JSON_VALUE)
public class OutboxAdminController {

	private final OutboxRows rows;

	private final TransactionalPublisher publisher;

	private final ObjectProvider<OutboxRelay> relay;

	public OutboxAdminController(OutboxRows rows, TransactionalPublisher publisher, ObjectProvider<OutboxRelay> relay) {
		this.rows = rows;
		this.publisher = publisher;
		this.relay = relay;
	}

	/** One row as shown: the body stays in the database. */
	public record Waiting(long id, String tag, String key, String topic, String reason, int attempts,
			Instant nextAttemptAt, String lastError, Instant createdAt, String txId) {
	}

	/** The breaker state an operator asks for: FORCED_OPEN or CLOSED. */
	public record BreakerChange(String state) {
	}

	@GetMapping
	public Map<String, Object> outbox(@RequestParam(defaultValue = "50") int limit) {
		OutboxRows.Backlog backlog = this.rows.backlog();
		List<Waiting> oldest = this.rows.oldest(limit)
			.stream()
			.map(row -> new Waiting(row.id(), row.event().tag(), row.event().key(), row.event().topic(), row.reason(),
					row.attempts(), row.nextAttemptAt(), row.lastError(), row.createdAt(), row.txId()))
			.toList();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("mode", this.publisher.outbox().mode().name());
		body.put("breaker", this.publisher.breaker().getState().name());
		body.put("relay", this.relay.getIfAvailable() != null);
		body.put("pending", backlog.pending());
		body.put("oldestSeconds", backlog.oldestSeconds());
		body.put("oldest", oldest);
		return body;
	}

	@PostMapping(path = "/breaker", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Object> breaker(@RequestBody BreakerChange change) {
		CircuitBreaker breaker = this.publisher.breaker();
		String state = (change == null || change.state() == null) ? "" : change.state().trim();
		switch (state) {
			case "FORCED_OPEN" -> breaker.transitionToForcedOpenState();
			case "CLOSED" -> {
				breaker.transitionToClosedState();
				wakeRelay();
			}
			default -> {
				ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
						"state must be FORCED_OPEN (every event to the local message table, the relay paused) "
								+ "or CLOSED; was '" + state + "'");
				problem.setTitle("Unknown breaker state");
				return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
			}
		}
		return ResponseEntity.ok(Map.of("breaker", breaker.getState().name()));
	}

	@PostMapping("/retry")
	public Map<String, Object> retryNow() {
		int due = this.rows.retryAllNow();
		wakeRelay();
		return Map.of("due", due);
	}

	private void wakeRelay() {
		OutboxRelay relay = this.relay.getIfAvailable();
		if (relay != null) {
			relay.wake();
		}
	}

}
