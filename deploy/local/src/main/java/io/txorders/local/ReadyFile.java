package io.txorders.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * The file that tells a parent process (tests, {@code up}) that infra is ready and where
 * everything is. Written atomically so a poller never reads half a file.
 */
final class ReadyFile {

	private ReadyFile() {
	}

	static void write(Path target, Map<String, String> values) throws IOException {
		Path absolute = target.toAbsolutePath();
		Path dir = absolute.getParent();
		Files.createDirectories(dir);
		Properties properties = new Properties();
		properties.putAll(values);
		Path temp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
		try {
			try (OutputStream out = Files.newOutputStream(temp)) {
				properties.store(out, "local-stack infra");
			}
			try {
				Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	static Properties read(Path file) throws IOException {
		Properties properties = new Properties();
		try (InputStream in = Files.newInputStream(file)) {
			properties.load(in);
		}
		return properties;
	}

}
