package io.txorders.producer.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures per the Standard Webhooks specification: {@code webhook-signature} is
 * {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed by the
 * base64-decoded part of the {@code whsec_} secret; several are separated by spaces.
 */
public final class WebhookSignatures {

	static final String SECRET_PREFIX = "whsec_";

	static final String QUERY_TOKEN_PREFIX = "whq_";

	private static final SecureRandom random = new SecureRandom();

	private WebhookSignatures() {
	}

	/** A new signing secret: {@code whsec_} and 32 random bytes in base64. */
	public static String newSecret() {
		return SECRET_PREFIX + Base64.getEncoder().encodeToString(randomBytes(32));
	}

	/** A new query-back credential: {@code whq_} and 32 random bytes, base64url. */
	static String newQueryToken() {
		return QUERY_TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
	}

	/** What is kept of a query-back credential: its SHA-256, hex. */
	static String sha256(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The {@code webhook-signature} header: one {@code v1,} signature per secret. */
	public static String header(List<String> secrets, String webhookId, long timestamp, byte[] body) {
		return secrets.stream()
			.map((secret) -> sign(secret, webhookId, timestamp, body))
			.collect(Collectors.joining(" "));
	}

	/** {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}. */
	public static String sign(String secret, String webhookId, long timestamp, byte[] body) {
		if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
			throw new IllegalArgumentException("a signing secret starts with " + SECRET_PREFIX);
		}
		byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		random.nextBytes(bytes);
		return bytes;
	}

}
