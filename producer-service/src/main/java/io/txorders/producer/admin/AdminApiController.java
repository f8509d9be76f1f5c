package io.txorders.producer.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.txorders.messaging.admin.OnAdminCredentials;
import io.txorders.messaging.barrier.CheckbackAnswers;
import io.txorders.messaging.barrier.TransactionBarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin API behind the page, {@code /admin/api/...} (HTTP Basic, see
 * {@link AdminSecurity}): in-flight transactions and recent check-backs from the orders
 * database; the reconciliation across both databases; dead letters and redrive,
 * customers' accounts and deposits, the local message table and the half messages from
 * consumer-service (producer-service's own are the kit's {@code /admin/api/outbox} and
 * {@code /admin/api/half-messages}).
 */
@RestController
@RequestMapping(path = "/admin/api", produces = MediaType.APPLICATION_JSON_VALUE)
@Conditional(OnAdminCredentials.class)
class AdminApiController {

	private static final Logger log = LoggerFactory.getLogger(AdminApiController.class);

	private final InFlightTransactions inFlight;

	private final CheckbackAnswers checkbacks;

	private final ConsumerAdmin consumer;

	private final Reconciliation reconciliation;

	private final AdminSettings settings;

	AdminApiController(InFlightTransactions inFlight, TransactionBarrier barrier, ConsumerAdmin consumer,
			Reconciliation reconciliation, AdminSettings settings) {
		this.reconciliation = reconciliation;
		this.inFlight = inFlight;
		this.checkbacks = barrier.answers();
		this.consumer = consumer;
		this.settings = settings;
	}

	@GetMapping("/transactions")
	InFlightTransactions.View transactions(@RequestParam(defaultValue = "50") int limit) {
		return this.inFlight.view(Math.max(1, Math.min(limit, 500)));
	}

	@GetMapping("/checkbacks")
	Map<String, Object> checkbacks(@RequestParam(defaultValue = "50") int limit) {
		return Map.of("retained", CheckbackAnswers.RETAINED, "answers", this.checkbacks.recent(limit));
	}

	@GetMapping("/dead-letters")
	Map<String, Object> deadLetters() {
		List<Map<String, Object>> groups = new ArrayList<>();
		for (String group : this.settings.consumerGroups()) {
			JsonNode letters = this.consumer.deadLetters(group);
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("group", group);
			entry.put("count", letters.size());
			int waiting = 0;
			for (JsonNode letter : letters) {
				waiting += letter.path("redriven").asBoolean() ? 0 : 1;
			}
			entry.put("waiting", waiting);
			entry.put("deadLetters", letters);
			groups.add(entry);
		}
		return Map.of("groups", groups);
	}

	@PostMapping(path = "/dead-letters/{group}/redrive")
	JsonNode redrive(@PathVariable String group) {
		log.info("admin '{}' redrives the dead letters of {}", this.settings.username(), group);
		return this.consumer.redrive(group);
	}

	@GetMapping("/accounts/{customer}")
	JsonNode account(@PathVariable String customer) {
		return this.consumer.account(customer);
	}

	/**
	 * A deposit, passed on with its Idempotency-Key; consumer-service checks both and
	 * answers 201, or 200 for a repeated key.
	 */
	@PostMapping(path = "/accounts/{customer}/deposits", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<JsonNode> deposit(@PathVariable String customer,
			@RequestHeader(ConsumerAdmin.IDEMPOTENCY_KEY) String idempotencyKey, @RequestBody JsonNode body) {
		ResponseEntity<JsonNode> answer = this.consumer.deposit(customer, idempotencyKey, body);
		if (answer.getStatusCode().value() == HttpStatus.CREATED.value()) {
			log.info("admin '{}' deposited {} into the account of '{}' (key {})", this.settings.username(),
					body.path("amount"), customer, idempotencyKey);
		}
		return ResponseEntity.status(answer.getStatusCode()).body(answer.getBody());
	}

	/**
	 * consumer-service's local message table (its replies); producer-service's own is the
	 * kit's {@code /admin/api/outbox}.
	 */
	@GetMapping("/consumer/outbox")
	JsonNode consumerOutbox(@RequestParam(defaultValue = "50") int limit) {
		return this.consumer.outbox(Math.max(1, Math.min(limit, 500)));
	}

	/**
	 * {"state": "FORCED_OPEN" | "CLOSED"}, passed on; consumer-service refuses others.
	 */
	@PostMapping(path = "/consumer/outbox/breaker", consumes = MediaType.APPLICATION_JSON_VALUE)
	JsonNode consumerOutboxBreaker(@RequestBody JsonNode change) {
		log.info("admin '{}' sets consumer-service's circuit breaker to {}", this.settings.username(),
				change.path("state"));
		return this.consumer.outboxBreaker(change);
	}

	@PostMapping("/consumer/outbox/retry")
	JsonNode consumerOutboxRetry() {
		log.info("admin '{}' makes consumer-service's waiting outbox rows due now", this.settings.username());
		return this.consumer.outboxRetry();
	}

	/**
	 * consumer-service's half messages; producer-service's own are the kit's
	 * {@code /admin/api/half-messages}.
	 */
	@GetMapping("/consumer/half-messages")
	JsonNode consumerHalfMessages(@RequestParam(defaultValue = "100") int limit) {
		return this.consumer.halfMessages(Math.max(1, Math.min(limit, 1000)));
	}

	@PostMapping("/consumer/half-messages/discarded/{broker}/{offset}/resolve")
	JsonNode resolveConsumerHalfMessage(@PathVariable String broker, @PathVariable long offset) {
		log.info("admin '{}' resolves consumer-service's discarded half message {}@{}", this.settings.username(),
				broker, offset);
		return this.consumer.resolveHalfMessage(broker, offset);
	}

	@GetMapping("/reconciliation")
	Map<String, Object> reconciliation() {
		return this.reconciliation.run();
	}

	@ExceptionHandler(ConsumerAdmin.Unreachable.class)
	ResponseEntity<ProblemDetail> unreachable(ConsumerAdmin.Unreachable ex) {
		log.warn("{}", ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("consumer-service unreachable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(problem);
	}

	/**
	 * consumer-service's refusal of the request itself (400, 404, 409: bad input, an
	 * unknown group, a reused Idempotency-Key) goes back to the page as it answered it;
	 * anything else, its credentials refused too, is a 502.
	 */
	@ExceptionHandler(ConsumerAdmin.Failed.class)
	ResponseEntity<?> failed(ConsumerAdmin.Failed ex) {
		log.warn("{}", ex.getMessage());
		if (isRefusal(ex.status()) && ex.body() != null && ex.body().startsWith("{")) {
			return ResponseEntity.status(ex.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(ex.body());
		}
		HttpStatusCode status = isRefusal(ex.status()) ? ex.status() : HttpStatus.BAD_GATEWAY;
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setTitle("consumer-service error");
		return ResponseEntity.status(status).body(problem);
	}

	private static boolean isRefusal(HttpStatusCode status) {
		return status != null && status.is4xxClientError() && status.value() != 401 && status.value() != 403;
	}

}
