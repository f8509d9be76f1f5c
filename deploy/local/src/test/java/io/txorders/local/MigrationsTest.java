package io.txorders.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {

	@Test
	void listsEveryRepoScriptInNameOrder() throws Exception {
		for (String folder : List.of("messaging", "orders", "consumer", "demo/orders", "demo/consumer")) {
			List<String> listed = Migrations.forDatabase(folder).stream().map(Resource::getFilename).toList();
			assertThat(listed).isNotEmpty().isSorted().first().asString().matches("[VR]1?__.*\\.sql");
			// The packaged list must be exactly the repo's sql/<folder>/*.sql.
			try (Stream<Path> files = Files.list(Path.of("../../sql", folder))) {
				List<String> onDisk = files.map((file) -> file.getFileName().toString())
					.filter((name) -> name.endsWith(".sql"))
					.sorted()
					.toList();
				assertThat(listed).isEqualTo(onDisk);
			}
		}
	}

	@Test
	void flywayReadsTheJarsScriptsOrThoseOfSqlDir() {
		assertThat(Migrations.location("demo/orders")).isEqualTo("classpath:sql/demo/orders");
		System.setProperty(Migrations.DIR_PROPERTY, "/tmp/tree/sql");
		try {
			assertThat(Migrations.location("orders")).isEqualTo("filesystem:/tmp/tree/sql/orders");
		}
		finally {
			System.clearProperty(Migrations.DIR_PROPERTY);
		}
	}

	@Test
	void unknownFolderHasNoScripts() throws Exception {
		assertThat(Migrations.forDatabase("nope")).isEmpty();
	}

}
