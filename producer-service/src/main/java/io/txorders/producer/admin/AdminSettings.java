package io.txorders.producer.admin;

import java.net.URI;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * The admin surface ({@code /admin/}): on only when both credentials are set.
 *
 * @param username the one admin user ({@code ADMIN_USERNAME})
 * @param password its password ({@code ADMIN_PASSWORD}), encoded at startup, never logged
 * @param consumerUrl consumer-service's base URL, for its dead letters
 * ({@code CONSUMER_ADMIN_URL}); called with the same credentials
 * @param consumerGroups the consumer groups whose dead letters the page shows
 * @param consumerDbUrl the consumer database, read only by the reconciliation
 * ({@code CONSUMER_DB_URL}), with the orders database's credentials
 */
@ConfigurationProperties("txorders.admin")
public record AdminSettings(String username, String password, URI consumerUrl, List<String> consumerGroups,
		String consumerDbUrl) {

	public boolean enabled() {
		return StringUtils.hasText(this.username) && StringUtils.hasText(this.password);
	}

	@Override
	public String toString() {
		return "AdminSettings[username=" + this.username + ", consumerUrl=" + this.consumerUrl + ", consumerGroups="
				+ this.consumerGroups + ", consumerDbUrl=" + this.consumerDbUrl + "]";
	}

}
