package io.txorders.consumer.admin;

import java.util.List;
import java.util.Map;

import io.txorders.messaging.admin.OnAdminCredentials;

import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /admin/dead-letters/{group}} lists a group's dead letters; {@code POST
 * /admin/dead-letters/{group}/redrive} sends those not sent before back to their topic.
 * On only when {@code ADMIN_USERNAME} and {@code ADMIN_PASSWORD} are set (HTTP Basic, see
 * {@link AdminSecurity}).
 */
@RestController
@RequestMapping("/admin/dead-letters")
@Conditional(OnAdminCredentials.class)
class DeadLetterController {

	private final DeadLetters deadLetters;

	DeadLetterController(DeadLetters deadLetters) {
		this.deadLetters = deadLetters;
	}

	@GetMapping("/{group}")
	List<DeadLetters.DeadLetter> list(@PathVariable String group) {
		return this.deadLetters.list(group);
	}

	@PostMapping("/{group}/redrive")
	Map<String, Object> redrive(@PathVariable String group) {
		return Map.of("group", group, "redriven", this.deadLetters.redrive(group));
	}

	@ExceptionHandler(DeadLetters.UnknownGroup.class)
	ProblemDetail unknownGroup(DeadLetters.UnknownGroup ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

}
