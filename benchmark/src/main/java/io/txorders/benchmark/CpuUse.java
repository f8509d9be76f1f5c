package io.txorders.benchmark;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * CPU time per order, by process: each process's user plus system time ({@code /proc}, as
 * {@link ProcessHandle.Info#totalCpuDuration()} reads it) over a run, divided by the
 * orders it completed. Throughput on a shared machine drifts with what else runs on it;
 * CPU time per order at a fixed, unsaturated rate drifts less, and says where an order's
 * cost goes (in a saturated closed loop it is little more than the inverse of
 * throughput).
 */
final class CpuUse {

	/** A process whose CPU time counts, by the name the tables show. */
	record Counted(String name, long pid) {
	}

	/**
	 * One run: CPU milliseconds per order for each process, and their total.
	 */
	record PerOrder(String run, long orders, Map<String, Double> millisByProcess, double totalMillis) {
	}

	private CpuUse() {
	}

	/**
	 * Runs {@code run}, which returns how many orders it completed, and charges the CPU
	 * time the processes used meanwhile to those orders.
	 */
	static PerOrder measure(String name, List<Counted> processes, Callable<Long> run) throws Exception {
		Map<Counted, Duration> before = snapshot(processes);
		long orders = run.call();
		return perOrder(name, orders, before, snapshot(processes));
	}

	static PerOrder perOrder(String run, long orders, Map<Counted, Duration> before, Map<Counted, Duration> after) {
		Map<String, Double> millis = new LinkedHashMap<>();
		double total = 0;
		for (Map.Entry<Counted, Duration> start : before.entrySet()) {
			Duration end = after.get(start.getKey());
			if (end == null || orders <= 0) {
				millis.put(start.getKey().name(), Double.NaN);
				total = Double.NaN;
				continue;
			}
			double perOrder = end.minus(start.getValue()).toNanos() / 1e6 / orders;
			millis.put(start.getKey().name(), perOrder);
			total += perOrder;
		}
		return new PerOrder(run, orders, millis, total);
	}

	/**
	 * Each process's CPU time so far; a process that is gone or unreadable is left out.
	 */
	static Map<Counted, Duration> snapshot(List<Counted> processes) {
		Map<Counted, Duration> times = new LinkedHashMap<>();
		for (Counted process : processes) {
			ProcessHandle.of(process.pid())
				.flatMap(handle -> handle.info().totalCpuDuration())
				.ifPresent(time -> times.put(process, time));
		}
		return times;
	}

	/**
	 * The pid of the process listening on this TCP port, from {@code /proc/net/tcp} and
	 * the sockets among each process's open files (Linux; reading another user's files
	 * needs the rights to); empty if none is found.
	 */
	static OptionalLong listeningPid(int port) {
		Set<String> inodes = listeningInodes(read(Path.of("/proc/net/tcp")), port);
		inodes.addAll(listeningInodes(read(Path.of("/proc/net/tcp6")), port));
		if (inodes.isEmpty()) {
			return OptionalLong.empty();
		}
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path process : processes) {
				try (DirectoryStream<Path> files = Files.newDirectoryStream(process.resolve("fd"))) {
					for (Path file : files) {
						String target = Files.readSymbolicLink(file).toString();
						if (target.startsWith("socket:[")
								&& inodes.contains(target.substring(8, target.length() - 1))) {
							return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// Gone, or not ours to read: next.
				}
			}
		}
		catch (IOException ex) {
			// No /proc: not Linux.
		}
		return OptionalLong.empty();
	}

	/**
	 * The socket inodes listening on {@code port} in a {@code /proc/net/tcp} table (local
	 * address {@code HEXIP:HEXPORT}, state {@code 0A} = LISTEN, inode the tenth column).
	 */
	static Set<String> listeningInodes(String table, int port) {
		String suffix = String.format(":%04X", port);
		return table.lines()
			.skip(1)
			.map(String::trim)
			.map(line -> line.split("\\s+"))
			.filter(columns -> columns.length > 9 && columns[1].endsWith(suffix) && columns[3].equals("0A"))
			.map(columns -> columns[9])
			.collect(Collectors.toCollection(java.util.HashSet::new));
	}

	/**
	 * The port of a {@code jdbc:mysql://host:port/...} or {@code jdbc:mariadb://} URL.
	 */
	static int port(String jdbcUrl) {
		String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
		String hostPort = rest.split("[/?]", 2)[0];
		int colon = hostPort.lastIndexOf(':');
		return (colon < 0) ? 3306 : Integer.parseInt(hostPort.substring(colon + 1));
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException | RuntimeException ex) {
			return "";
		}
	}

}
