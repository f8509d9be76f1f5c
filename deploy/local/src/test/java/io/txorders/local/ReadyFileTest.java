package io.txorders.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ReadyFileTest {

	@TempDir
	Path dir;

	@Test
	void writesPropertiesAtomicallyAndLeavesNoTempFile() throws Exception {
		Path file = this.dir.resolve("nested").resolve("ready.properties");
		Map<String, String> values = new LinkedHashMap<>();
		values.put("namesrv", "127.0.0.1:9876");
		values.put("ordersJdbcUrl", "jdbc:mysql://127.0.0.1:3306/orders?useSSL=false&allowPublicKeyRetrieval=true");
		values.put("dbPassword", "");
		ReadyFile.write(file, values);

		Properties read = ReadyFile.read(file);
		assertThat(read).containsEntry("namesrv", "127.0.0.1:9876")
			.containsEntry("ordersJdbcUrl",
					"jdbc:mysql://127.0.0.1:3306/orders?useSSL=false&allowPublicKeyRetrieval=true")
			.containsEntry("dbPassword", "");
		try (var files = Files.list(file.getParent())) {
			assertThat(files).containsExactly(file);
		}
	}

	@Test
	void replacesAnExistingFile() throws Exception {
		Path file = this.dir.resolve("ready.properties");
		ReadyFile.write(file, Map.of("pid", "1"));
		ReadyFile.write(file, Map.of("pid", "2"));
		assertThat(ReadyFile.read(file)).containsEntry("pid", "2").hasSize(1);
	}

}
