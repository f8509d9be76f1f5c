package io.txorders.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.txorders.testsupport.LocalInfra;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries, kept by a test rather than by memory. It reads the main classes
 * every module just compiled (the reactor builds them before this module):
 * <ul>
 * <li>consumer-service and producer-service never use each other's classes;
 * consumer-service never reads the orders database, and producer-service reads the
 * consumer database only in its admin reconciliation, through the invariant-checker
 * library;</li>
 * <li>no main code outside the kit ({@code io.txorders.messaging}) builds a transactional
 * producer or sends a half message;</li>
 * <li>the fault and benchmark hooks are reached only through the kit's probe SPI: no main
 * code names them, and the services' main code does not touch the SPI either (tests
 * register probes as beans).</li>
 * </ul>
 */
class ArchitectureTest {

	private static final List<String> MODULES = List.of("transactional-messaging", "customer-auth", "producer-service",
			"consumer-service", "checkback", "invariant-checker", "benchmark");

	private static JavaClasses main;

	@BeforeAll
	static void importMainClasses() {
		Path repo = LocalInfra.repositoryRoot();
		ClassFileImporter importer = new ClassFileImporter();
		for (String module : MODULES) {
			Path classes = repo.resolve(module).resolve("target/classes");
			assertThat(classes).as("compiled classes of " + module).isDirectory();
		}
		main = importer
			.importPaths(MODULES.stream().map((module) -> repo.resolve(module).resolve("target/classes")).toList());
		assertThat(main.that(resideIn("io.txorders.producer"))).isNotEmpty();
		assertThat(main.that(resideIn("io.txorders.consumer"))).isNotEmpty();
	}

	@Test
	void consumerServiceNeverUsesProducerServiceOrTheCrossDatabaseChecks() {
		check(noClasses().that()
			.resideInAPackage("io.txorders.consumer..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.txorders.producer..", "io.txorders.invariants.."));
	}

	@Test
	void producerServiceNeverUsesConsumerService() {
		check(noClasses().that()
			.resideInAPackage("io.txorders.producer..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.txorders.consumer.."));
	}

	@Test
	void theSharedCustomerRulesBelongToNeitherService() {
		check(noClasses().that()
			.resideInAPackage("io.txorders.customers..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.txorders.producer..", "io.txorders.consumer..", "io.txorders.messaging.."));
	}

	@Test
	void onlyTheAdminReconciliationReadsAcrossDatabases() {
		check(noClasses().that()
			.resideInAPackage("io.txorders.producer..")
			.and()
			.resideOutsideOfPackage("io.txorders.producer.admin..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.txorders.invariants.."));
	}

	@Test
	void onlyTheKitBuildsTransactionalProducers() {
		check(noClasses().that()
			.resideOutsideOfPackage("io.txorders.messaging..")
			.should()
			.callConstructorWhere(DescribedPredicate.describe("builds a TransactionMQProducer",
					(JavaConstructorCall call) -> call.getTargetOwner().isAssignableTo(TransactionMQProducer.class)))
			.orShould()
			.callMethodWhere(target("sendMessageInTransaction"))
			// client-java's transactional producer, the gRPC transport's.
			.orShould()
			.callMethodWhere(target("setTransactionChecker")));
	}

	@Test
	void faultAndBenchmarkHooksAreReachedOnlyThroughTheProbeSpi() {
		check(noClasses().that()
			.resideOutsideOfPackage("io.txorders.messaging.faults..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.txorders.messaging.faults.."));
		check(noClasses().that()
			.resideInAnyPackage("io.txorders.producer..", "io.txorders.consumer..", "io.txorders.checkback..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.txorders.messaging.spi.."));
	}

	@Test
	void consumerServiceIsNotConfiguredForTheOrdersDatabase() throws IOException {
		String config = Files
			.readString(LocalInfra.repositoryRoot().resolve("consumer-service/src/main/resources/application.yml"));
		assertThat(config).doesNotContain("ORDERS_DB_URL").doesNotContainPattern("jdbc:mysql://[^\\s}]*/orders");
	}

	@Test
	void producerServiceNamesTheConsumerDatabaseOnlyForTheReconciliation() throws IOException {
		List<String> lines = Files
			.readAllLines(LocalInfra.repositoryRoot().resolve("producer-service/src/main/resources/application.yml"));
		assertThat(lines.stream().filter((line) -> line.contains("CONSUMER_DB_URL"))).singleElement()
			.asString()
			.contains("consumer-db-url:");
	}

	private static void check(ArchRule rule) {
		rule.check(main);
	}

	private static DescribedPredicate<JavaClass> resideIn(String prefix) {
		return DescribedPredicate.describe("reside in " + prefix,
				(javaClass) -> javaClass.getPackageName().startsWith(prefix));
	}

	private static DescribedPredicate<JavaMethodCall> target(String name) {
		return DescribedPredicate.describe("calls " + name, (call) -> call.getTarget().getName().equals(name));
	}

}
