package io.txorders.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of a local stack and their memory: the infra JVM's pid is in its ready
 * file; its parent is the {@code local-stack.jar up} launcher, whose other children are
 * the three apps (and an embedded database, if any, is a child of infra). Peak RSS
 * ({@code VmHWM}), RSS now ({@code VmRSS}) and the file-backed part of it now
 * ({@code RssFile}: pages of memory-mapped files, such as the broker's commit log, which
 * the kernel can reclaim) are read from {@code /proc/<pid>/status} (Linux).
 */
final class StackProcesses {

	/** One process; sizes in KiB, -1 when unreadable. */
	record Memory(String name, long pid, long peakKiB, long rssKiB, long fileKiB) {
	}

	private StackProcesses() {
	}

	/**
	 * @param infraPid the infra JVM's pid (ready file), or -1
	 * @param extraPids more processes to count (e.g. apps started by hand)
	 */
	static List<Memory> read(long infraPid, Collection<Long> extraPids) {
		List<Memory> memory = new ArrayList<>();
		for (CpuUse.Counted process : find(infraPid, extraPids)) {
			String status = read(Path.of("/proc", Long.toString(process.pid()), "status"));
			memory.add(new Memory(process.name(), process.pid(), kib(status, "VmHWM"), kib(status, "VmRSS"),
					kib(status, "RssFile")));
		}
		return memory;
	}

	/**
	 * The launcher, its descendants (or infra alone, without a launcher) and
	 * {@code extraPids}, each with its short name.
	 */
	static List<CpuUse.Counted> find(long infraPid, Collection<Long> extraPids) {
		Map<Long, ProcessHandle> processes = new LinkedHashMap<>();
		Optional<ProcessHandle> infra = ProcessHandle.of(infraPid);
		Optional<ProcessHandle> launcher = infra.flatMap(ProcessHandle::parent)
			.filter(parent -> commandLine(parent).contains("local-stack"));
		ProcessHandle root = launcher.or(() -> infra).orElse(null);
		if (root != null) {
			processes.put(root.pid(), root);
			root.descendants().forEach(process -> processes.put(process.pid(), process));
		}
		for (long pid : extraPids) {
			ProcessHandle.of(pid).ifPresent(process -> processes.put(pid, process));
		}
		return processes.values()
			.stream()
			.map(process -> new CpuUse.Counted(name(commandLine(process)), process.pid()))
			.toList();
	}

	/** A short name for any process. */
	static String name(long pid) {
		return ProcessHandle.of(pid).map(process -> name(commandLine(process))).orElse("pid " + pid);
	}

	/** Whether the launcher was found, so every app is counted. */
	static boolean launcherFound(long infraPid) {
		return ProcessHandle.of(infraPid)
			.flatMap(ProcessHandle::parent)
			.map(parent -> commandLine(parent).contains("local-stack"))
			.orElse(false);
	}

	private static String commandLine(ProcessHandle process) {
		String cmdline = read(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
		if (!cmdline.isEmpty()) {
			return cmdline.replace('\0', ' ').trim();
		}
		return process.info().commandLine().orElse("");
	}

	/** A short name: the app's module, or infra / launcher, or the executable. */
	static String name(String commandLine) {
		List<String> words = List.of(commandLine.split(" "));
		int jar = words.indexOf("-jar");
		if (jar >= 0 && jar + 1 < words.size()) {
			String file = Path.of(words.get(jar + 1)).getFileName().toString();
			if (file.equals("local-stack.jar")) {
				return words.contains("infra") ? "infra (NameServer, broker, proxy)" : "launcher (local-stack up)";
			}
			return file.replaceFirst("-\\d.*$", "").replaceFirst("\\.jar$", "");
		}
		return words.isEmpty() ? "?" : Path.of(words.get(0)).getFileName().toString();
	}

	/** A {@code Name:   123 kB} line of /proc/PID/status, in KiB; -1 if absent. */
	static long kib(String status, String field) {
		for (String line : status.split("\n")) {
			if (line.startsWith(field + ":")) {
				String value = line.substring(field.length() + 1).trim();
				return Long.parseLong(value.split("\\s+")[0]);
			}
		}
		return -1;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux, or the process is gone: nothing to read.
			return "";
		}
	}

}
