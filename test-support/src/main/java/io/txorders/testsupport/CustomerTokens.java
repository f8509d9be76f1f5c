package io.txorders.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens for customers of a local stack's order API, signed with the key the stack
 * generated (its ready file names it), as an identity provider would issue them.
 * {@link #sign} signs any claims, for tests of tokens that must be refused.
 */
public final class CustomerTokens {

	private final RSAKey key;

	private final String issuer;

	private CustomerTokens(RSAKey key, String issuer) {
		this.key = key;
		this.issuer = issuer;
	}

	/** The signing key and issuer of the stack whose ready file this is. */
	public static CustomerTokens of(Properties ready) {
		String keyFile = ready.getProperty("jwtSigningKey");
		if (keyFile == null) {
			throw new IllegalStateException("the ready file names no jwtSigningKey: rebuild deploy/local");
		}
		try {
			return new CustomerTokens(RSAKey.parse(Files.readString(Path.of(keyFile))), ready.getProperty("jwtIssuer"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (ParseException ex) {
			throw new IllegalStateException(keyFile + " is not an RSA JWK: " + ex.getMessage(), ex);
		}
	}

	/** A token for {@code customer}, valid for an hour. */
	public String forCustomer(String customer) {
		return sign(claims(customer).build(), this.key);
	}

	/** The claims a valid token for {@code customer} carries, to change one. */
	public JWTClaimsSet.Builder claims(String customer) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject(customer)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
			.jwtID(UUID.randomUUID().toString());
	}

	/** {@code claims} signed (RS256) with this stack's key. */
	public String sign(JWTClaimsSet claims) {
		return sign(claims, this.key);
	}

	/** {@code claims} signed (RS256) with {@code key}: another key than the stack's. */
	public static String sign(JWTClaimsSet claims, RSAKey key) {
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
				claims);
		try {
			token.sign(new RSASSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign a test token: " + ex.getMessage(), ex);
		}
		return token.serialize();
	}

	public String issuer() {
		return this.issuer;
	}

}
