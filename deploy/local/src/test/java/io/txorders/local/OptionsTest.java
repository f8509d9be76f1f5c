package io.txorders.local;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OptionsTest {

	@Test
	void defaultsToTheGivenCommand() {
		Options options = Options.parse(new String[] { "--no-apps" }, "up");
		assertThat(options.command()).isEqualTo("up");
		assertThat(options.getFlag("no-apps")).isTrue();
	}

	@Test
	void parsesCommandValuesAndFlags() {
		Options options = Options.parse(new String[] { "infra", "--namesrv-port=0", "--db-password=", "--reset-db",
				"--db-url=jdbc:mysql://h:1/" }, "up");
		assertThat(options.command()).isEqualTo("infra");
		assertThat(options.getPort("namesrv-port", 9876)).isZero();
		assertThat(options.get("db-password", "x")).isEmpty();
		assertThat(options.getFlag("reset-db")).isTrue();
		assertThat(options.getFlag("fast-shutdown")).isFalse();
		assertThat(options.get("db-url", null)).isEqualTo("jdbc:mysql://h:1/");
	}

	@Test
	void splitsLists() {
		Options options = Options.parse(new String[] { "--consumer-groups= a, b,,c " }, "up");
		assertThat(options.getList("consumer-groups", "x")).containsExactly("a", "b", "c");
		assertThat(options.getList("transaction-topics", "t1,t2")).containsExactly("t1", "t2");
	}

	@Test
	void rejectsBadValues() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Options.parse(new String[] { "--broker-port=abc" }, "up").getPort("broker-port", 1))
			.withMessageContaining("--broker-port");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Options.parse(new String[] { "--proxy-port=70000" }, "up").getPort("proxy-port", 1))
			.withMessageContaining("between 0 and 65535");
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse(new String[] { "infra", "stray" }, "up"))
			.withMessageContaining("stray");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Options.parse(new String[] { "--reset-db=maybe" }, "up").getFlag("reset-db"));
	}

	@Test
	void rejectsUnknownOptions() {
		Options options = Options.parse(new String[] { "infra", "--namesrv-prot=1" }, "up");
		assertThatIllegalArgumentException().isThrownBy(() -> options.requireKnown(InfraConfig.OPTIONS))
			.withMessageContaining("--namesrv-prot");
	}

	@Test
	void passesOptionsOnExceptExcluded() {
		Options options = Options.parse(new String[] { "up", "--no-apps", "--broker-port=0" }, "up");
		assertThat(options.toArgs(Set.of("no-apps"))).isEqualTo(List.of("--broker-port=0"));
	}

	@Test
	void infraConfigDefaults() {
		InfraConfig config = InfraConfig.from(Options.parse(new String[] { "infra" }, "up"));
		assertThat(config.dbUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/");
		assertThat(config.embeddedDb()).isEqualTo("auto");
		assertThat(config.namesrvPort()).isEqualTo(9876);
		assertThat(config.brokerPort()).isEqualTo(10911);
		assertThat(config.proxyPort()).isEqualTo(8081);
		assertThat(config.transactionTimeoutMs()).isEqualTo(5000);
		assertThat(config.transactionOpBatchIntervalMs()).isEqualTo(500);
		assertThat(config.transactionTopics()).containsExactly("order-events", "inventory-events");
		assertThat(config.consumerGroups()).containsExactly("inventory", "points", "order-replies");
		assertThat(config.maxRetries()).isEqualTo(16);
		assertThat(config.workDir().getFileName()).hasToString(".local-stack");
	}

	@Test
	void refusesAnOpBatchIntervalCloseToTheTimeout() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InfraConfig.from(Options.parse(new String[] { "infra", "--transaction-timeout-ms=1000",
					"--transaction-op-batch-interval-ms=3000" }, "up")))
			.withMessageContaining("--transaction-op-batch-interval-ms");
		InfraConfig ok = InfraConfig.from(Options.parse(
				new String[] { "infra", "--transaction-timeout-ms=1000", "--transaction-op-batch-interval-ms=200" },
				"up"));
		assertThat(ok.transactionOpBatchIntervalMs()).isEqualTo(200);
	}

	@Test
	void validatesDbUrlAndMode() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> InfraConfig.from(Options.parse(new String[] { "--db-url=jdbc:mysql://h:3306/orders" }, "up")))
			.withMessageContaining("--db-url");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InfraConfig.from(Options.parse(new String[] { "--embedded-db=sometimes" }, "up")))
			.withMessageContaining("--embedded-db");
		assertThat(Database.normaliseServerUrl("jdbc:mysql://db:3306")).isEqualTo("jdbc:mysql://db:3306/");
	}

}
