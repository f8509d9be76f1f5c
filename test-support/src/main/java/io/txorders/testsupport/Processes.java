package io.txorders.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Processes a test starts: started with their output in a log, awaited until ready
 * (failing at once, with the log, if one exits), and stopped by their handle: politely,
 * then forcibly.
 */
public final class Processes {

	private Processes() {
	}

	/**
	 * Starts the command with its output in {@code log} and polls {@code ready} until it
	 * holds; kills the process if it does not within {@code timeout}.
	 * @param what what is awaited, for the failure message
	 */
	public static Process startAndAwait(ProcessBuilder command, Path log, String what, Duration timeout,
			Callable<Boolean> ready) {
		Process process;
		try {
			process = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + command.command(), ex);
		}
		try {
			await(what + " (log: " + log + ")").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException(
							"the process exited with " + process.exitValue() + ":\n" + Files.readString(log));
				}
				return ready.call();
			});
		}
		catch (RuntimeException ex) {
			process.destroyForcibly();
			throw ex;
		}
		return process;
	}

	/** A properties file, such as the local stack's ready file. */
	public static Properties load(Path file) {
		Properties properties = new Properties();
		try (InputStream in = Files.newInputStream(file)) {
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not read " + file, ex);
		}
		return properties;
	}

	public static void stop(Process process, Duration grace) {
		process.destroy();
		try {
			if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

}
