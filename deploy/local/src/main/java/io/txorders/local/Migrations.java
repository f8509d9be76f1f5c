package io.txorders.local;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The repo's {@code sql/} folder, packaged into the jar: the scripts for one database, in
 * the order their names give (01-schema before 02-demo-...). With {@code --sql-dir} they
 * are read from that folder instead, so tests always apply the scripts as they are in the
 * tree.
 */
final class SqlScripts {

	static final String DIR_PROPERTY = "local.stack.sql.dir";

	/** The transactional-messaging kit's tables, applied to every database first. */
	static final String MESSAGING = "messaging";

	private SqlScripts() {
	}

	static List<Resource> forDatabase(String folder) throws IOException {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
				SqlScripts.class.getClassLoader());
		String dir = System.getProperty(DIR_PROPERTY);
		Resource[] found = resolver.getResources(
				(dir != null) ? "file:" + dir + "/" + folder + "/*.sql" : "classpath*:sql/" + folder + "/*.sql");
		// Keyed by file name: the same script seen twice on the classpath is
		// applied once.
		Map<String, Resource> byName = new TreeMap<>();
		for (Resource resource : found) {
			String name = resource.getFilename();
			if (name != null) {
				byName.putIfAbsent(name, resource);
			}
		}
		return List.copyOf(byName.values());
	}

}
