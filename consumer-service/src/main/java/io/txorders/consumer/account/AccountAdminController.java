package io.txorders.consumer.account;

import java.net.URI;
import java.util.List;

import io.txorders.customers.CustomerIds;
import io.txorders.messaging.admin.OnAdminCredentials;

import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code GET /admin/accounts/{customer}}: any customer's account with its open holds;
 * {@code POST /admin/accounts/{customer}/deposits} with an {@code Idempotency-Key}: pays
 * money in (201, or 200 with the first answer for a repeated key). On only when
 * {@code ADMIN_USERNAME} and {@code ADMIN_PASSWORD} are set (HTTP Basic on
 * {@code /admin/**}).
 */
@RestController
@RequestMapping("/admin/accounts")
@Conditional(OnAdminCredentials.class)
class AccountAdminController {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final Accounts accounts;

	private final Deposits deposits;

	AccountAdminController(Accounts accounts, Deposits deposits) {
		this.accounts = accounts;
		this.deposits = deposits;
	}

	@GetMapping("/{customer}")
	AccountView account(@PathVariable String customer) {
		if (!CustomerIds.isValid(customer)) {
			throw new AccountProblems.InvalidRequest(List
				.of(new AccountProblems.FieldProblem("customer", "is not a customer id (" + CustomerIds.RULE + ")")));
		}
		return this.accounts.forAdmin(customer);
	}

	@PostMapping("/{customer}/deposits")
	ResponseEntity<Deposit> deposit(@PathVariable String customer, @RequestHeader(IDEMPOTENCY_KEY) List<String> keys,
			@RequestBody DepositRequest request) {
		if (keys.size() != 1) {
			// The container joins repeated headers with commas: two keys look like one.
			throw new AccountProblems.InvalidRequest(List.of(new AccountProblems.FieldProblem(IDEMPOTENCY_KEY,
					"must be sent once; it was sent " + keys.size() + " times")));
		}
		Deposit deposit = this.deposits.deposit(customer, keys.get(0), request);
		if (!deposit.created()) {
			return ResponseEntity.ok(deposit);
		}
		URI account = UriComponentsBuilder.fromPath("/admin/accounts/{customer}").buildAndExpand(customer).toUri();
		return ResponseEntity.status(HttpStatus.CREATED).location(account).body(deposit);
	}

}
