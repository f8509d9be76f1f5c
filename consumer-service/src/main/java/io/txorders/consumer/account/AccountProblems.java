package io.txorders.consumer.account;

import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The account endpoints' refusals, as RFC 9457 problem bodies like the order API's: input
 * problems name each offending field in {@code errors: [{field, message}]} (400); a
 * reused Idempotency-Key or another currency than the account's is a conflict (409).
 */
@RestControllerAdvice(assignableTypes = { AccountController.class, AccountAdminController.class })
class AccountProblems extends ResponseEntityExceptionHandler {

	/** One offending field and what is wrong with it. */
	record FieldProblem(String field, String message) {
	}

	/** The request is not valid (400); nothing was written. */
	static class InvalidRequest extends RuntimeException {

		private final List<FieldProblem> problems;

		InvalidRequest(List<FieldProblem> problems) {
			super(problems.toString());
			this.problems = List.copyOf(problems);
		}

		List<FieldProblem> problems() {
			return this.problems;
		}

	}

	/** The Idempotency-Key made another deposit (409). */
	static class KeyReused extends RuntimeException {

		KeyReused(String message) {
			super(message);
		}

	}

	/** The deposit's currency is not the account's (409). */
	static class CurrencyMismatch extends RuntimeException {

		CurrencyMismatch(String message) {
			super(message);
		}

	}

	@ExceptionHandler(InvalidRequest.class)
	ProblemDetail invalidRequest(InvalidRequest ex) {
		return invalid(ex.problems());
	}

	@ExceptionHandler(KeyReused.class)
	ProblemDetail keyReused(KeyReused ex) {
		return problem(HttpStatus.CONFLICT, "Idempotency-Key reused", ex.getMessage());
	}

	@ExceptionHandler(CurrencyMismatch.class)
	ProblemDetail currencyMismatch(CurrencyMismatch ex) {
		return problem(HttpStatus.CONFLICT, "Another currency than the account's", ex.getMessage());
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		JacksonException json = findCause(ex, JacksonException.class);
		FieldProblem problem = (json == null) ? new FieldProblem("", "request body is missing or unreadable")
				: new FieldProblem(path(json), String.valueOf(json.getOriginalMessage()).replaceAll("\\s+", " "));
		return ResponseEntity.badRequest().body(invalid(List.of(problem)));
	}

	@Override
	protected ResponseEntity<Object> handleServletRequestBindingException(ServletRequestBindingException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (ex instanceof MissingRequestHeaderException missing) {
			return ResponseEntity.badRequest()
				.body(invalid(List.of(new FieldProblem(missing.getHeaderName(), "header is required"))));
		}
		return super.handleServletRequestBindingException(ex, headers, status, request);
	}

	private static ProblemDetail invalid(List<FieldProblem> problems) {
		String detail = problems.stream()
			.map((p) -> p.field().isEmpty() ? p.message() : p.field() + ": " + p.message())
			.reduce((a, b) -> a + "; " + b)
			.orElse("invalid request");
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
		problem.setProperty("errors",
				problems.stream().map((p) -> Map.of("field", p.field(), "message", p.message())).toList());
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

	/** The JSON path of the failure as the client wrote it. */
	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static <T extends Throwable> T findCause(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}
