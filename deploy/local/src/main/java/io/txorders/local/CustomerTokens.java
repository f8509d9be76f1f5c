package io.txorders.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The local stack's stand-in for an identity provider: an RSA key generated once under
 * {@code <work-dir>/jwt/} (kept, so tokens survive a restart), its public half as PEM for
 * producer-service, and access tokens for any customer signed with it. Loopback use only:
 * whoever can read the work dir can sign in as anyone.
 */
final class CustomerTokens {

	/** The {@code iss} of every local token; producer-service accepts only this one. */
	static final String ISSUER = "txorders-local";

	private final RSAKey key;

	private final Path publicKeyPem;

	private CustomerTokens(RSAKey key, Path publicKeyPem) {
		this.key = key;
		this.publicKeyPem = publicKeyPem;
	}

	/** The key under {@code workDir/jwt/}, generated on first use. */
	static CustomerTokens inWorkDir(Path workDir) {
		Path dir = workDir.resolve("jwt");
		Path keyFile = dir.resolve("signing-key.jwk.json");
		Path pem = dir.resolve("public-key.pem");
		try {
			Files.createDirectories(dir);
			RSAKey key;
			boolean made = !Files.exists(keyFile);
			if (made) {
				key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
				Files.writeString(keyFile, key.toJSONString());
				restrict(keyFile);
			}
			else {
				key = RSAKey.parse(Files.readString(keyFile));
			}
			if (made || !Files.exists(pem)) {
				String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(key.toRSAPublicKey().getEncoded());
				Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n");
			}
			return new CustomerTokens(key, pem);
		}
		catch (IOException | ParseException | JOSEException ex) {
			throw new StackException("cannot prepare the local token signing key in " + dir + ": " + ex.getMessage()
					+ "; delete " + keyFile + " to make a new one", ex);
		}
	}

	/** An access token for {@code customer}, valid from now for {@code ttl}. */
	String issue(String customer, Duration ttl) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject(customer)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(ttl)))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.key.getKeyID()).build(),
				claims);
		try {
			token.sign(new RSASSASigner(this.key));
		}
		catch (JOSEException ex) {
			throw new StackException("cannot sign a token: " + ex.getMessage(), ex);
		}
		return token.serialize();
	}

	Path publicKeyPem() {
		return this.publicKeyPem;
	}

	Path signingKey() {
		return this.publicKeyPem.resolveSibling("signing-key.jwk.json");
	}

	static void restrict(Path file) throws IOException {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system: the work dir's own permissions apply.
		}
	}

}
