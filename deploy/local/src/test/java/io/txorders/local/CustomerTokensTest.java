package io.txorders.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class CustomerTokensTest {

	@TempDir
	Path workDir;

	@Test
	void theKeyIsMadeOnceAndTheTokensItSignsVerifyWithThePublishedPem() throws Exception {
		CustomerTokens first = CustomerTokens.inWorkDir(this.workDir);
		String key = Files.readString(first.signingKey());

		CustomerTokens again = CustomerTokens.inWorkDir(this.workDir);
		SignedJWT token = SignedJWT.parse(again.issue("alice", Duration.ofMinutes(5)));

		assertThat(Files.readString(again.signingKey())).isEqualTo(key);
		String base64 = Files.readString(again.publicKeyPem())
			.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
			.replaceAll("\\s", "");
		RSAPublicKey pem = (RSAPublicKey) KeyFactory.getInstance("RSA")
			.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
		assertThat(token.verify(new RSASSAVerifier(pem))).isTrue();
		assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("alice");
		assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(CustomerTokens.ISSUER);
		assertThat(token.getJWTClaimsSet().getExpirationTime()).isInTheFuture();
	}

}
