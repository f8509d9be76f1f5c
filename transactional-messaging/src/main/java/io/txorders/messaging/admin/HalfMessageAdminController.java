package io.txorders.messaging.admin;

import java.security.Principal;

import io.txorders.messaging.halves.HalfMessages;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The broker's unfinished transactional messages of this application's producer group on
 * the admin surface ({@code /admin/api/half-messages}): half messages still open, with
 * their age, check count and the barrier's answer, and the ones the broker discarded
 * after {@code transactionCheckMax} check-backs, with the action that resolves one by the
 * barrier's answer.
 */
@RestController
@RequestMapping(path = "/admin/api/half-messages", produces = MediaType.APPLICATION_JSON_VALUE)
public class HalfMessageAdminController {

	private final HalfMessages halves;

	public HalfMessageAdminController(HalfMessages halves) {
		this.halves = halves;
	}

	@GetMapping
	public HalfMessages.View halfMessages(@RequestParam(defaultValue = "100") int limit) {
		return this.halves.view(Math.max(1, Math.min(limit, 1000)));
	}

	/**
	 * Delivers (the barrier says COMMIT) or drops (anything else) the discarded message
	 * at {@code offset} of the broker group's {@code TRANS_CHECK_MAX_TIME_TOPIC}, once; a
	 * second call reports the first resolution.
	 */
	@PostMapping("/discarded/{broker}/{offset}/resolve")
	public ResponseEntity<Object> resolve(@PathVariable String broker, @PathVariable long offset, Principal admin) {
		if (offset < 0) {
			return problem(HttpStatus.BAD_REQUEST, "Bad offset", "offset must be 0 or more; was " + offset);
		}
		String who = (admin != null) ? admin.getName() : "admin";
		return ResponseEntity.ok(this.halves.resolve(broker, offset, who));
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<Object> badArgument(MethodArgumentTypeMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, "Bad " + ex.getName(),
				ex.getName() + " must be a whole number; was '" + ex.getValue() + "'");
	}

	@ExceptionHandler(HalfMessages.NotFound.class)
	ResponseEntity<Object> notFound(HalfMessages.NotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "No such discarded message", ex.getMessage());
	}

	@ExceptionHandler(HalfMessages.NotOurs.class)
	ResponseEntity<Object> notOurs(HalfMessages.NotOurs ex) {
		return problem(HttpStatus.CONFLICT, "Another application's message", ex.getMessage());
	}

	@ExceptionHandler(HalfMessages.Undecided.class)
	ResponseEntity<Object> undecided(HalfMessages.Undecided ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "The barrier could not answer", ex.getMessage());
	}

	@ExceptionHandler(HalfMessages.BrokerUnreachable.class)
	ResponseEntity<Object> unreachable(HalfMessages.BrokerUnreachable ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Broker unreachable", ex.getMessage());
	}

	private static ResponseEntity<Object> problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
