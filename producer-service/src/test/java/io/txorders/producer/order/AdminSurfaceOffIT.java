package io.txorders.producer.order;

import java.net.http.HttpRequest;

import io.txorders.producer.order.ProducerStack.Api;
import io.txorders.producer.order.ProducerStack.Response;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.web.FilterChainProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without ADMIN_USERNAME and ADMIN_PASSWORD (as in every producer-service test) there is
 * no admin surface at all: no admin challenge, and the order API keeps its own chain
 * (customers' tokens) and its problem bodies; the catalog and actuator pass through no
 * filter.
 */
@ProducerServiceTest
class AdminSurfaceOffIT {

	@Autowired
	private Api api;

	@Autowired
	private FilterChainProxy security;

	@Test
	void withoutCredentialsTheAdminPageAndApiDoNotExist() {
		for (String path : new String[] { "/admin/", "/admin/index.html", "/admin/admin.js", "/admin/api/transactions",
				"/admin/api/reconciliation" }) {
			Response response = this.api.get(path);
			assertThat(response.status()).as(path + ": " + response).isEqualTo(404);
			assertThat(response.header("WWW-Authenticate")).as(path).isNull();
		}
		Response redrive = this.api
			.send(HttpRequest.newBuilder(this.api.base().resolve("/admin/api/dead-letters/inventory/redrive"))
				.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(redrive.status()).as(redrive.toString()).isEqualTo(404);
	}

	@Test
	void theOrderApiKeepsItsProblemBodies() {
		Response missing = this.api.get("/orders/1");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
		assertThat(missing.header("WWW-Authenticate")).isNull();
		assertThat(this.api.placeOrder(null, "{}").status()).isEqualTo(400);
		assertThat(this.api.get("/actuator/health").status()).isEqualTo(200);
	}

	@Test
	void onlyTheOrderApiAndTheAdminPathsPassThroughSecurityFilters() {
		assertThat(this.security.getFilters("/orders")).as("the customers' chain").isNotEmpty();
		assertThat(this.security.getFilters("/orders/1")).isNotEmpty();
		assertThat(this.security.getFilters("/catalog")).as("public, no chain").isNull();
		assertThat(this.security.getFilters("/actuator/health")).isNull();
		assertThat(this.security.getFilters("/admin/api/transactions")).as("the admin paths keep a chain").isNotEmpty();
	}

}
