package io.txorders.producer.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Where webhooks may be sent: {@code http} or {@code https} URLs whose host resolves only
 * to public addresses, unless an operator lists an internal network
 * ({@code WEBHOOK_ALLOWED_NETWORKS}). Loopback, private (RFC 1918, unique local),
 * link-local (cloud metadata services), carrier-grade NAT, multicast and unspecified
 * addresses are refused, so an endpoint cannot aim the service at its own network.
 * Checked at registration and again before every POST.
 */
public class TargetPolicy {

	static final int MAX_URL_LENGTH = 2048;

	private static final IpAddressMatcher CARRIER_GRADE_NAT = new IpAddressMatcher("100.64.0.0/10");

	private static final IpAddressMatcher THIS_NETWORK = new IpAddressMatcher("0.0.0.0/8");

	private static final IpAddressMatcher UNIQUE_LOCAL = new IpAddressMatcher("fc00::/7");

	private final List<String> allowed;

	private final List<IpAddressMatcher> allowedNetworks;

	public TargetPolicy(List<String> allowedNetworks) {
		this.allowed = List.copyOf(allowedNetworks);
		this.allowedNetworks = allowedNetworks.stream().map(TargetPolicy::network).toList();
	}

	/** A target refused, with the reason an admin or the attempt log reads. */
	public static class Refused extends RuntimeException {

		Refused(String message) {
			super(message);
		}

	}

	/**
	 * The URL as registered, checked for its form only.
	 * @throws Refused naming what is wrong
	 */
	public URI parse(String url) {
		if (url == null || url.isBlank()) {
			throw new Refused("url: must not be empty");
		}
		if (url.length() > MAX_URL_LENGTH) {
			throw new Refused("url: at most " + MAX_URL_LENGTH + " characters");
		}
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new Refused("url: not a URL (" + ex.getMessage() + ")");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new Refused("url: must be http or https, was " + (scheme.isEmpty() ? "no scheme" : scheme));
		}
		if (uri.getRawUserInfo() != null) {
			throw new Refused("url: must not hold a user name or password");
		}
		if (uri.getHost() == null || uri.getHost().isBlank()) {
			throw new Refused("url: has no host");
		}
		return uri;
	}

	/**
	 * Resolves the URL's host and checks every address it has.
	 * @return the addresses
	 * @throws Refused when the host does not resolve or an address is internal and not
	 * allowed
	 */
	public List<InetAddress> check(URI uri) {
		String host = uri.getHost();
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(host);
		}
		catch (UnknownHostException ex) {
			throw new Refused("url: host " + host + " does not resolve");
		}
		for (InetAddress address : addresses) {
			String kind = internalKind(address);
			if (kind != null && !allowed(address)) {
				throw new Refused("url: " + host + " resolves to " + address.getHostAddress() + ", a " + kind
						+ " address; webhooks go to public addresses unless WEBHOOK_ALLOWED_NETWORKS lists the network"
						+ (this.allowed.isEmpty() ? "" : " (it lists " + String.join(", ", this.allowed) + ")"));
			}
		}
		return List.of(addresses);
	}

	/** What kind of internal address this is, or null for a public one. */
	static String internalKind(InetAddress address) {
		String text = address.getHostAddress();
		if (address.isLoopbackAddress()) {
			return "loopback";
		}
		if (address.isAnyLocalAddress() || (address instanceof Inet4Address && THIS_NETWORK.matches(text))) {
			return "unspecified";
		}
		if (address.isLinkLocalAddress()) {
			return "link-local";
		}
		if (address.isSiteLocalAddress()
				|| (address instanceof Inet6Address && UNIQUE_LOCAL.matches(stripScope(text)))) {
			return "private";
		}
		if (address instanceof Inet4Address && CARRIER_GRADE_NAT.matches(text)) {
			return "carrier-grade NAT";
		}
		if (address.isMulticastAddress()) {
			return "multicast";
		}
		if (address instanceof Inet4Address && text.equals("255.255.255.255")) {
			return "broadcast";
		}
		return null;
	}

	private boolean allowed(InetAddress address) {
		String text = stripScope(address.getHostAddress());
		return this.allowedNetworks.stream().anyMatch((network) -> network.matches(text));
	}

	private static String stripScope(String address) {
		int scope = address.indexOf('%');
		return (scope < 0) ? address : address.substring(0, scope);
	}

	private static IpAddressMatcher network(String cidr) {
		try {
			return new IpAddressMatcher(cidr);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("txorders.webhooks.allowed-networks (WEBHOOK_ALLOWED_NETWORKS): " + cidr
					+ " is not a network in CIDR " + "notation, e.g. 10.1.0.0/16: " + ex.getMessage(), ex);
		}
	}

}
