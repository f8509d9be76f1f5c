package io.txorders.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class DirectSqlTest {

	@TempDir
	Path folder;

	@Test
	void baselineBAppliesTheVersionedScriptsInVersionOrderAsFlywayDoes() throws Exception {
		for (String name : List.of("V10__later.sql", "V2__catalog_prices.sql", "V1__schema.sql", "V2.1__fix.sql",
				"R__demo.sql", "notes.txt")) {
			Files.writeString(this.folder.resolve(name), "-- " + name);
		}
		assertThat(DirectSql.versioned(this.folder)).extracting((file) -> file.getFileName().toString())
			.containsExactly("V1__schema.sql", "V2__catalog_prices.sql", "V2.1__fix.sql", "V10__later.sql");
	}

	@Test
	void theRepositorysScriptsStartWithTheirFirstVersion() throws Exception {
		for (String folder : List.of("messaging", "orders", "consumer")) {
			assertThat(DirectSql.versioned(Path.of("../sql", folder))).first()
				.satisfies((file) -> assertThat(file.getFileName().toString()).startsWith("V1__"));
		}
	}

}
