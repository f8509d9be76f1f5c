package io.txorders.producer.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TargetPolicyTest {

	private final TargetPolicy none = new TargetPolicy(List.of());

	@ParameterizedTest
	@CsvSource({ "127.0.0.1, loopback", "127.8.9.10, loopback", "::1, loopback", "0.0.0.0, unspecified",
			"0.1.2.3, unspecified", "::, unspecified", "10.0.0.5, private", "172.16.0.1, private",
			"192.168.1.1, private", "fd12:3456::1, private", "169.254.169.254, link-local", "fe80::1, link-local",
			"100.64.0.1, carrier-grade NAT", "224.0.0.1, multicast", "ff02::1, multicast", "255.255.255.255, broadcast",
			"'::ffff:10.0.0.1', private", "'::ffff:127.0.0.1', loopback" })
	void internalAddressesAreNamed(String address, String kind) throws Exception {
		assertThat(TargetPolicy.internalKind(InetAddress.getByName(address))).isEqualTo(kind);
	}

	@ParameterizedTest
	@CsvSource({ "93.184.215.14", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2606:4700::1111" })
	void publicAddressesPass(String address) throws Exception {
		assertThat(TargetPolicy.internalKind(InetAddress.getByName(address))).isNull();
	}

	@Test
	void aLoopbackTargetIsRefusedUnlessItsNetworkIsAllowed() {
		URI url = URI.create("http://127.0.0.1:9/hooks");
		assertThatExceptionOfType(TargetPolicy.Refused.class).isThrownBy(() -> this.none.check(url))
			.withMessageContaining("127.0.0.1, a loopback address")
			.withMessageContaining("WEBHOOK_ALLOWED_NETWORKS");
		assertThat(new TargetPolicy(List.of("127.0.0.0/8", "::1/128")).check(url)).isNotEmpty();
		assertThatExceptionOfType(TargetPolicy.Refused.class)
			.isThrownBy(() -> new TargetPolicy(List.of("10.0.0.0/8")).check(url))
			.withMessageContaining("it lists 10.0.0.0/8");
	}

	@Test
	void aNameIsCheckedByEveryAddressItResolvesTo() {
		assertThatExceptionOfType(TargetPolicy.Refused.class)
			.isThrownBy(() -> this.none.check(URI.create("http://localhost:8080/x")))
			.withMessageContaining("localhost resolves to")
			.withMessageContaining("loopback");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "ftp://example.com/x | must be http or https, was ftp", "example.com/x | must be http or https",
					"file:///etc/passwd | must be http or https, was file",
					"http://user:pw@example.com/ | must not hold a user name or password",
					"http:///nohost | has no host", "'http://exa mple.com/' | not a URL", "'' | must not be empty" })
	void malformedUrlsAreRefusedNamingWhy(String url, String why) {
		assertThatExceptionOfType(TargetPolicy.Refused.class).isThrownBy(() -> this.none.parse(url))
			.withMessageStartingWith("url: ")
			.withMessageContaining(why);
	}

	@Test
	void aUrlLongerThanTheColumnIsRefused() {
		assertThatExceptionOfType(TargetPolicy.Refused.class)
			.isThrownBy(() -> this.none.parse("https://example.com/" + "a".repeat(2048)))
			.withMessageContaining("at most 2048 characters");
	}

	@Test
	void anAllowedNetworkThatIsNotCidrStopsTheStartNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TargetPolicy(List.of("my-office")))
			.withMessageContaining("WEBHOOK_ALLOWED_NETWORKS")
			.withMessageContaining("my-office");
	}

}
