package io.txorders.consumer.account;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /accounts/me}: the signed-in customer's account (the token's subject is the
 * customer, see {@link AccountApiSecurity}); a customer sees only their own.
 */
@RestController
class AccountController {

	private final Accounts accounts;

	AccountController(Accounts accounts) {
		this.accounts = accounts;
	}

	@GetMapping("/accounts/me")
	AccountView me(@AuthenticationPrincipal Jwt customer) {
		return this.accounts.forCustomer(customer.getSubject());
	}

}
