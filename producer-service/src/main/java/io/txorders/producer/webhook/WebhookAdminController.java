package io.txorders.producer.webhook;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin's webhooks ({@code /admin/api/webhooks}, behind the admin credentials):
 * register, list, disable, enable, delete endpoints, rotate a secret; notifications with
 * their attempts; redeliver (docs/webhooks.md, "Admin API").
 */
@RestController
@RequestMapping(path = "/admin/api/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
class WebhookAdminController {

	private static final Logger log = LoggerFactory.getLogger(WebhookAdminController.class);

	static final Set<String> EVENT_TYPES = Set.of("order.confirmed", "order.cancelled");

	private static final Set<String> STATUSES = Set.of("PENDING", "DELIVERED", "FAILED");

	private final WebhookEndpoints endpoints;

	private final WebhookNotifications notifications;

	private final WebhookDispatcher dispatcher;

	private final TargetPolicy targets;

	private final WebhookSettings settings;

	WebhookAdminController(WebhookEndpoints endpoints, WebhookNotifications notifications, WebhookDispatcher dispatcher,
			TargetPolicy targets, WebhookSettings settings) {
		this.endpoints = endpoints;
		this.notifications = notifications;
		this.dispatcher = dispatcher;
		this.targets = targets;
		this.settings = settings;
	}

	/** What the admin sends to register an endpoint. */
	record Registration(String url, List<String> events, String description) {
	}

	/** A request the admin API refuses, naming why (400). */
	static class Invalid extends RuntimeException {

		Invalid(String message) {
			super(message);
		}

	}

	/** No such endpoint or notification (404). */
	static class NotFound extends RuntimeException {

		NotFound(String message) {
			super(message);
		}

	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> register(@RequestBody Registration registration) {
		if (registration == null) {
			throw new Invalid("send {\"url\": ..., \"events\": [...], \"description\": ...}");
		}
		URI url;
		try {
			url = this.targets.parse(registration.url());
			this.targets.check(url);
		}
		catch (TargetPolicy.Refused ex) {
			throw new Invalid(ex.getMessage());
		}
		List<String> events = events(registration.events());
		String description = (registration.description() != null) ? registration.description().strip() : null;
		if (description != null && description.length() > 255) {
			throw new Invalid("description: at most 255 characters");
		}
		WebhookEndpoints.Registered registered = this.endpoints.register(url.toString(), events,
				(description == null || description.isEmpty()) ? null : description);
		log.info("Webhook endpoint {} registered: {} for {}", registered.endpoint().id(), registered.endpoint().url(),
				events.isEmpty() ? "every event" : events);
		Map<String, Object> body = view(registered.endpoint(), Map.of());
		body.put("secret", registered.secret());
		body.put("queryToken", registered.queryToken());
		body.put("note", "secret and queryToken are shown this once: keep them now");
		return ResponseEntity.created(URI.create("/admin/api/webhooks/" + registered.endpoint().id())).body(body);
	}

	@GetMapping
	Map<String, Object> list() {
		Map<Long, Map<String, Long>> counts = this.endpoints.counts();
		WebhookNotifications.Backlog backlog = this.dispatcher.backlog();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("endpoints",
				this.endpoints.list()
					.stream()
					.map((endpoint) -> view(endpoint, counts.getOrDefault(endpoint.id(), Map.of())))
					.toList());
		body.put("pending", backlog.pending());
		body.put("oldestSeconds", backlog.oldestSeconds());
		body.put("retrySchedule", this.settings.retrySchedule().stream().map(Object::toString).toList());
		return body;
	}

	@GetMapping("/{id}")
	Map<String, Object> endpoint(@PathVariable long id) {
		return view(existing(id), this.endpoints.counts().getOrDefault(id, Map.of()));
	}

	@PostMapping("/{id}/disable")
	Map<String, Object> disable(@PathVariable long id) {
		return status(id, "DISABLED");
	}

	@PostMapping("/{id}/enable")
	Map<String, Object> enable(@PathVariable long id) {
		Map<String, Object> body = status(id, "ACTIVE");
		this.dispatcher.wake();
		return body;
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable long id) {
		if (!this.endpoints.delete(id)) {
			throw new NotFound("no webhook endpoint " + id);
		}
		log.info("Webhook endpoint {} deleted; its pending notifications FAILED", id);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/{id}/rotate-secret")
	Map<String, Object> rotateSecret(@PathVariable long id) {
		String secret = this.endpoints.rotateSecret(id, this.settings.secretOverlap());
		if (secret == null) {
			throw new NotFound("no webhook endpoint " + id);
		}
		log.info("Webhook endpoint {}: secret rotated; the previous one signs too for {}", id,
				this.settings.secretOverlap());
		Map<String, Object> body = view(existing(id), this.endpoints.counts().getOrDefault(id, Map.of()));
		body.put("secret", secret);
		body.put("note", "the new secret is shown this once; until previousSecretUntil both secrets sign");
		return body;
	}

	@GetMapping("/{id}/notifications")
	List<WebhookNotifications.Notification> notifications(@PathVariable long id,
			@RequestParam(required = false) String status, @RequestParam(defaultValue = "50") int limit) {
		existing(id);
		if (status != null && !STATUSES.contains(status)) {
			throw new Invalid("status: one of " + STATUSES.stream().sorted().toList() + ", was " + status);
		}
		if (limit < 1 || limit > 500) {
			throw new Invalid("limit: between 1 and 500, was " + limit);
		}
		return this.notifications.list(id, status, limit);
	}

	@GetMapping("/notifications/{notificationId}")
	WebhookNotifications.Notification notification(@PathVariable long notificationId) {
		WebhookNotifications.Notification found = this.notifications.find(notificationId);
		if (found == null) {
			throw new NotFound("no webhook notification " + notificationId);
		}
		return found;
	}

	@PostMapping("/notifications/{notificationId}/redeliver")
	ResponseEntity<WebhookNotifications.Notification> redeliver(@PathVariable long notificationId) {
		if (!this.notifications.redeliver(notificationId)) {
			throw new NotFound("no webhook notification " + notificationId + " of an endpoint not deleted");
		}
		this.dispatcher.wake();
		log.info("Webhook notification {} redelivered by the admin", notificationId);
		return ResponseEntity.accepted().body(this.notifications.find(notificationId));
	}

	@PostMapping("/{id}/redeliver-failed")
	ResponseEntity<Map<String, Object>> redeliverFailed(@PathVariable long id) {
		existing(id);
		int redelivered = this.notifications.redeliverFailed(id);
		this.dispatcher.wake();
		log.info("Webhook endpoint {}: {} FAILED notifications redelivered by the admin", id, redelivered);
		return ResponseEntity.accepted().body(Map.of("redelivered", redelivered));
	}

	@ExceptionHandler(Invalid.class)
	ResponseEntity<ProblemDetail> invalid(Invalid ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(NotFound.class)
	ResponseEntity<ProblemDetail> notFound(NotFound ex) {
		return problem(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(ProblemDetail.forStatusAndDetail(status, detail));
	}

	private Map<String, Object> status(long id, String status) {
		if (!this.endpoints.setStatus(id, status)) {
			throw new NotFound("no webhook endpoint " + id);
		}
		log.info("Webhook endpoint {} {}", id, status);
		return view(existing(id), this.endpoints.counts().getOrDefault(id, Map.of()));
	}

	private WebhookEndpoints.Endpoint existing(long id) {
		WebhookEndpoints.Endpoint endpoint = this.endpoints.find(id);
		if (endpoint == null) {
			throw new NotFound("no webhook endpoint " + id);
		}
		return endpoint;
	}

	private static List<String> events(List<String> requested) {
		if (requested == null || requested.isEmpty()) {
			return List.of();
		}
		Set<String> events = new LinkedHashSet<>();
		for (int i = 0; i < requested.size(); i++) {
			String type = requested.get(i);
			if (type == null || !EVENT_TYPES.contains(type)) {
				throw new Invalid("events[" + i + "]: one of " + EVENT_TYPES.stream().sorted().toList() + ", was "
						+ ((type == null) ? "null" : "\"" + type + "\""));
			}
			if (!events.add(type)) {
				throw new Invalid("events[" + i + "]: " + type + " is listed twice");
			}
		}
		return (events.size() == EVENT_TYPES.size()) ? List.of() : List.copyOf(events);
	}

	private static Map<String, Object> view(WebhookEndpoints.Endpoint endpoint, Map<String, Long> counts) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", endpoint.id());
		view.put("url", endpoint.url());
		view.put("events", endpoint.events().isEmpty() ? EVENT_TYPES.stream().sorted().toList() : endpoint.events());
		view.put("description", endpoint.description());
		view.put("status", endpoint.status());
		view.put("previousSecretUntil", endpoint.previousSecretUntil());
		view.put("createdAt", endpoint.createdAt());
		view.put("updatedAt", endpoint.updatedAt());
		Map<String, Long> notifications = new LinkedHashMap<>();
		for (String status : List.of("PENDING", "DELIVERED", "FAILED")) {
			notifications.put(status, counts.getOrDefault(status, 0L));
		}
		view.put("notifications", notifications);
		return view;
	}

}
