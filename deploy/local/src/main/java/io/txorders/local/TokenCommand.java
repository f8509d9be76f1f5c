package io.txorders.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code token --user=NAME}: prints an access token for that customer, signed with the
 * local stack's key (made if missing), for {@code Authorization: Bearer <token>}.
 */
@Command(name = "token", description = { "Prints an access token for a customer of the local stack's order API.",
		"Use it as: curl -H \"Authorization: Bearer $(java -jar local-stack.jar token --user=alice)\" ..." })
final class TokenCommand implements Callable<Integer> {

	@Option(names = "--user", required = true, paramLabel = "<customer>",
			description = "The customer (the token's subject): " + "at most 64 letters, digits and . _ : @ -")
	String user;

	@Option(names = "--valid-minutes", paramLabel = "<minutes>", defaultValue = "720",
			description = "How long the token is valid.")
	long validMinutes;

	@Option(names = "--work-dir", paramLabel = "<dir>", defaultValue = ".local-stack",
			description = "The local stack's work dir, where its signing key is kept.")
	Path workDir;

	@Override
	public Integer call() {
		if (!this.user.matches("[A-Za-z0-9._:@-]{1,64}")) {
			System.err
				.println("--user: '" + this.user + "' is not a customer id (at most 64 letters, digits and . _ : @ -)");
			return 2;
		}
		if (this.validMinutes <= 0) {
			System.err.println("--valid-minutes must be positive");
			return 2;
		}
		CustomerTokens tokens = CustomerTokens.inWorkDir(this.workDir.toAbsolutePath().normalize());
		System.out.println(tokens.issue(this.user, Duration.ofMinutes(this.validMinutes)));
		return 0;
	}

}
