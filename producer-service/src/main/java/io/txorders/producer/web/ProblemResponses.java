package io.txorders.producer.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.common.base.Throwables;
import io.txorders.producer.order.OrderProblems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every refusal is an RFC 9457 problem body. Input problems name each offending field in
 * {@code errors: [{field, message}]}, using the client's own path
 * ({@code items[0].quantity}).
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = new ArrayList<>();
		for (FieldError error : ex.getBindingResult().getFieldErrors()) {
			errors.add(Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())));
		}
		ex.getBindingResult()
			.getGlobalErrors()
			.forEach(error -> errors.add(Map.of("field", "", "message", String.valueOf(error.getDefaultMessage()))));
		return ResponseEntity.badRequest().body(invalid(errors));
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = new ArrayList<>();
		ex.getParameterValidationResults()
			.forEach(result -> result.getResolvableErrors()
				.forEach(error -> errors
					.add(Map.of("field", String.valueOf(result.getMethodParameter().getParameterName()), "message",
							String.valueOf(error.getDefaultMessage())))));
		return ResponseEntity.badRequest().body(invalid(errors));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		JacksonException json = findCause(ex, JacksonException.class);
		String field = (json != null) ? path(json) : "";
		String message;
		if (json == null) {
			message = "request body is missing or unreadable";
		}
		else if (json instanceof UnrecognizedPropertyException unknown) {
			field = path(json);
			message = "unknown field '" + unknown.getPropertyName() + "'";
		}
		else if (json instanceof InvalidFormatException format) {
			message = "value " + format.getValue() + " is not a valid " + typeName(format.getTargetType());
		}
		else if (json instanceof MismatchedInputException mismatch) {
			message = "wrong type: expected " + typeName(mismatch.getTargetType());
		}
		else if (json instanceof StreamConstraintsException) {
			message = "request exceeds a size limit: " + readable(json);
		}
		else if (json instanceof StreamReadException) {
			message = "malformed JSON: " + readable(json);
		}
		else {
			message = readable(json);
		}
		return ResponseEntity.badRequest().body(invalid(List.of(Map.of("field", field, "message", message))));
	}

	@Override
	protected ResponseEntity<Object> handleServletRequestBindingException(ServletRequestBindingException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (ex instanceof MissingRequestHeaderException missing) {
			return ResponseEntity.badRequest()
				.body(invalid(List.of(Map.of("field", missing.getHeaderName(), "message", "header is required"))));
		}
		return super.handleServletRequestBindingException(ex, headers, status, request);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex) {
		return invalid(List.of(Map.of("field", ex.getName(), "message",
				"'" + ex.getValue() + "' is not a valid " + typeName(ex.getRequiredType()))));
	}

	@ExceptionHandler(OrderProblems.InvalidOrder.class)
	ProblemDetail invalidOrder(OrderProblems.InvalidOrder ex) {
		return invalid(ex.problems().stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList());
	}

	@ExceptionHandler(OrderProblems.PriceChanged.class)
	ProblemDetail priceChanged(OrderProblems.PriceChanged ex) {
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "Price changed", ex.getMessage());
		problem.setProperty("prices",
				ex.differences()
					.stream()
					.map(d -> Map.of("field", d.field(), "sku", d.sku(), "requested", d.requested(), "current",
							d.current(), "currency", d.currency()))
					.toList());
		return problem;
	}

	@ExceptionHandler(OrderProblems.IdempotencyKeyReused.class)
	ProblemDetail keyReused(OrderProblems.IdempotencyKeyReused ex) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", ex.getMessage());
	}

	@ExceptionHandler(OrderProblems.NotCancellable.class)
	ProblemDetail notCancellable(OrderProblems.NotCancellable ex) {
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "Order cannot be cancelled", ex.getMessage());
		// Not "status": that member is the HTTP status (RFC 9457), and a second one made
		// the body JSON with a repeated key.
		problem.setProperty("orderStatus", ex.status());
		return problem;
	}

	@ExceptionHandler(OrderProblems.NotTheSignedInCustomer.class)
	ProblemDetail notTheSignedInCustomer(OrderProblems.NotTheSignedInCustomer ex) {
		return problem(HttpStatus.FORBIDDEN, "Not your customer id", ex.getMessage());
	}

	@ExceptionHandler(OrderProblems.NotFound.class)
	ProblemDetail notFound(OrderProblems.NotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "Order not found", ex.getMessage());
	}

	@ExceptionHandler(OrderProblems.NothingChanged.class)
	ResponseEntity<ProblemDetail> nothingChanged(OrderProblems.NothingChanged ex) {
		// One line per refused request: during a broker outage every request lands here,
		// and a stack trace each would bury the log.
		log.warn("request not carried out: {} (cause: {})", ex.getMessage(), Throwables.getRootCause(ex).toString());
		log.debug("request not carried out", ex);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable, nothing changed", ex.getMessage()));
	}

	/**
	 * The database went away (connection killed, failover, lock wait or query timeout)
	 * outside the local transaction, e.g. while looking up an Idempotency-Key: the
	 * request is safe to send again, so 503 and Retry-After rather than a bare 500.
	 */
	@ExceptionHandler({ TransientDataAccessException.class, RecoverableDataAccessException.class,
			DataAccessResourceFailureException.class })
	ResponseEntity<ProblemDetail> databaseUnavailable(DataAccessException ex) {
		log.warn("request not carried out, the order database is unavailable: {}", ex.toString());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable",
					"the order database is unavailable; retry the request (POST /orders with the same Idempotency-Key)"));
	}

	@ExceptionHandler(OrderProblems.StoreFailed.class)
	ProblemDetail storeFailed(OrderProblems.StoreFailed ex) {
		log.error("order not stored", ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Order not stored", ex.getMessage());
	}

	private static ProblemDetail invalid(List<Map<String, String>> errors) {
		String detail = errors.stream()
			.map(e -> e.get("field").isEmpty() ? e.get("message") : e.get("field") + ": " + e.get("message"))
			.reduce((a, b) -> a + "; " + b)
			.orElse("invalid request");
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
		problem.setProperty("errors", errors);
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

	/** The JSON path of the failure as the client wrote it: {@code items[0].quantity}. */
	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	/** Jackson's message without its source locations and internal class names. */
	private static String readable(JacksonException ex) {
		String message = String.valueOf(ex.getOriginalMessage());
		int location = message.indexOf(" (start marker at");
		if (location >= 0) {
			message = message.substring(0, location);
		}
		return message.replaceAll(", from `[^`]*`", "").replaceAll("\\s+", " ").trim();
	}

	private static String typeName(Class<?> type) {
		if (type == null) {
			return "value";
		}
		if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
			return "number";
		}
		if (CharSequence.class.isAssignableFrom(type)) {
			return "string";
		}
		if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "array";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "boolean";
		}
		return "object";
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
