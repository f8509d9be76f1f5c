package io.txorders.producer.order;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@link java.net.http.HttpClient} refuses to
 * send: invalid bytes in headers and paths, repeated headers, bad request lines, wrong
 * Content-Length. Sends the bytes as given, closes its output, reads the answer.
 */
final class RawHttp {

	private RawHttp() {
	}

	record Reply(int status, Map<String, String> headers, String body) {

		String contentType() {
			return this.headers.get("content-type");
		}

		@Override
		public String toString() {
			return this.status + " " + this.headers + " " + Refusals.abbreviate(this.body);
		}

	}

	static Reply send(int port, byte[] request) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request);
				out.flush();
				// The server sees the end of the request even if its Content-Length
				// claims more than was sent.
				socket.shutdownOutput();
			}
			catch (IOException ex) {
				// The server may answer and close before reading everything: read what it
				// did say.
			}
			return parse(readAll(socket.getInputStream()));
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("no answer within 30 s", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A request with CRLF line endings, Host and {@code Connection: close}. */
	static byte[] request(int port, String requestLine, String headers, byte[] body) {
		String head = requestLine + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n" + headers + "\r\n";
		byte[] start = head.getBytes(StandardCharsets.ISO_8859_1);
		byte[] all = Arrays.copyOf(start, start.length + body.length);
		System.arraycopy(body, 0, all, start.length, body.length);
		return all;
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try {
			in.transferTo(bytes);
		}
		catch (IOException ex) {
			// A reset after the answer was written still leaves the answer.
			if (bytes.size() == 0) {
				throw ex;
			}
		}
		return bytes.toByteArray();
	}

	private static Reply parse(byte[] raw) {
		String text = new String(raw, StandardCharsets.ISO_8859_1);
		int end = text.indexOf("\r\n\r\n");
		if (!text.startsWith("HTTP/1.1 ") || end < 0) {
			throw new AssertionError("not an HTTP response: '" + Refusals.abbreviate(text) + "'");
		}
		String[] lines = text.substring(0, end).split("\r\n");
		int status = Integer.parseInt(lines[0].substring(9, 12));
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
					lines[i].substring(colon + 1).trim());
		}
		byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = dechunk(body);
		}
		return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
	}

	private static byte[] dechunk(byte[] chunked) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int at = 0;
		while (at < chunked.length) {
			int lineEnd = indexOfCrlf(chunked, at);
			String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
			int length = Integer.parseInt(size, 16);
			if (length == 0) {
				break;
			}
			body.write(chunked, lineEnd + 2, length);
			at = lineEnd + 2 + length + 2;
		}
		return body.toByteArray();
	}

	private static int indexOfCrlf(byte[] bytes, int from) {
		for (int i = from; i < bytes.length - 1; i++) {
			if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
				return i;
			}
		}
		throw new AssertionError("truncated chunked body");
	}

}
