package io.txorders.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The run as one self-contained HTML page: the tables, and per service run three charts
 * over time (orders per second; HTTP and submit-to-CONFIRMED latency, p50 and p99; each
 * group's lag and the half messages the broker's checker has not passed yet) as inline
 * SVG. No scripts, fonts or anything fetched.
 */
final class ReportPage {

	private static final int WIDTH = 760;

	private static final int HEIGHT = 150;

	private static final int LEFT = 56;

	private static final int RIGHT = 170;

	private static final int TOP = 22;

	private static final int BOTTOM = 24;

	private static final String[] COLORS = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b" };

	/** A line: its name and points (t in s, value). */
	record Series(String name, List<double[]> points, boolean dashed) {
	}

	private ReportPage() {
	}

	static void write(Path file, String title, List<String> intro, List<Table> tables, List<String> conclusions,
			List<ServiceRun> runs, List<String> groups) throws IOException {
		StringBuilder html = new StringBuilder();
		html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
			.append(escape(title))
			.append("</title>\n<style>body{font:14px sans-serif;margin:24px;color:#222;max-width:")
			.append(WIDTH + 40)
			.append("px}table{border-collapse:collapse;margin:8px 0 20px}td,th{padding:2px 8px;border-bottom:1px solid #ddd;")
			.append("text-align:right}td:first-child,th:first-child{text-align:left}h2{margin-top:32px}")
			.append("svg{display:block;margin-bottom:6px}svg text{font:11px sans-serif;fill:#444}</style></head><body>\n");
		html.append("<h1>").append(escape(title)).append("</h1>\n");
		for (String line : intro) {
			html.append("<p>").append(escape(line)).append("</p>\n");
		}
		for (Table table : tables) {
			html.append(table.html());
		}
		html.append("<ul>\n");
		for (String line : conclusions) {
			html.append("<li>").append(escape(line)).append("</li>\n");
		}
		html.append("</ul>\n");
		for (ServiceRun run : runs) {
			html.append("<h2>").append(escape(run.title())).append("</h2>\n");
			html.append(charts(run, groups));
		}
		html.append("</body></html>\n");
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, html, StandardCharsets.UTF_8);
	}

	static String charts(ServiceRun run, List<String> groups) {
		List<Timeline.Second> seconds = run.seconds();
		double end = seconds.isEmpty() ? 1 : seconds.get(seconds.size() - 1).t();
		for (Timeline.LagSample sample : run.lag()) {
			end = Math.max(end, sample.t());
		}
		double drainAt = run.loadEndedAt();
		StringBuilder svg = new StringBuilder();
		svg.append(panel("orders per second", end, drainAt, false,
				List.of(series("placed (201)", seconds, Timeline.Second::placed, false),
						series("confirmed", seconds, Timeline.Second::confirmed, true),
						series("failed", seconds, Timeline.Second::failed, false))));
		svg.append(panel("latency, ms (log scale): HTTP, and submit to CONFIRMED", end, drainAt, true,
				List.of(series("HTTP p50", seconds, Timeline.Second::httpP50, false),
						series("HTTP p99", seconds, Timeline.Second::httpP99, false),
						series("CONFIRMED p50", seconds, Timeline.Second::confirmP50, true),
						series("CONFIRMED p99", seconds, Timeline.Second::confirmP99, true))));
		List<Series> lag = new ArrayList<>();
		for (String group : groups) {
			lag.add(new Series("lag " + group,
					run.lag()
						.stream()
						.map(sample -> new double[] { sample.t(), sample.lag().getOrDefault(group, 0L) })
						.toList(),
					false));
		}
		lag.add(new Series("half, not yet checked",
				run.lag().stream().map(sample -> new double[] { sample.t(), sample.halfNotYetChecked() }).toList(),
				true));
		svg.append(panel("lag: messages not yet consumed, per group", end, drainAt, false, lag));
		return svg.toString();
	}

	private static Series series(String name, List<Timeline.Second> seconds, ToDoubleFunction<Timeline.Second> value,
			boolean dashed) {
		return new Series(name,
				seconds.stream().map(second -> new double[] { second.t(), value.applyAsDouble(second) }).toList(),
				dashed);
	}

	/**
	 * One chart: time on x, the series on y; a dashed vertical line where the drain
	 * began.
	 */
	static String panel(String title, double end, double drainAt, boolean log, List<Series> series) {
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		double max = 0;
		double min = Double.MAX_VALUE;
		for (Series line : series) {
			for (double[] point : line.points()) {
				if (Double.isFinite(point[1]) && (!log || point[1] > 0)) {
					max = Math.max(max, point[1]);
					min = Math.min(min, point[1]);
				}
			}
		}
		double low;
		double high;
		List<Double> ticks = new ArrayList<>();
		if (log) {
			low = (min == Double.MAX_VALUE) ? 0 : Math.floor(Math.log10(min));
			high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(max, 1e-9))));
			for (double decade = low; decade <= high; decade++) {
				ticks.add(decade);
			}
		}
		else {
			low = 0;
			double step = niceStep(Math.max(max, 1) / 4);
			high = Math.ceil(Math.max(max, 1) / step) * step;
			for (double tick = 0; tick <= high + step / 2; tick += step) {
				ticks.add(tick);
			}
		}
		double span = high - low;
		double xScale = plotWidth / Math.max(end, 1);
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", WIDTH,
				HEIGHT, WIDTH, HEIGHT));
		svg.append("<title>").append(escape(title)).append("</title>");
		svg.append(text(LEFT, 14, "start", title));
		for (double tick : ticks) {
			double y = TOP + plotHeight - (tick - low) / span * plotHeight;
			svg.append(
					String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>",
							LEFT, LEFT + plotWidth, y, y));
			svg.append(text(LEFT - 4, y + 4, "end", label(log ? Math.pow(10, tick) : tick)));
		}
		double xStep = niceStep(Math.max(end, 1) / 6);
		for (double t = 0; t <= end + 1e-9; t += xStep) {
			svg.append(text(LEFT + t * xScale, TOP + plotHeight + 16, "middle", label(t) + " s"));
		}
		svg.append(String.format(Locale.ROOT,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", LEFT, TOP,
				plotWidth, plotHeight));
		if (Double.isFinite(drainAt)) {
			double x = LEFT + drainAt * xScale;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>", x,
					x, TOP, TOP + plotHeight));
			boolean nearTheEnd = x > LEFT + plotWidth * 0.8;
			svg.append(text(nearTheEnd ? x - 3 : x + 3, TOP + 10, nearTheEnd ? "end" : "start", "load stops"));
		}
		for (int i = 0; i < series.size(); i++) {
			Series line = series.get(i);
			String color = COLORS[i % COLORS.length];
			// A gap (a second with nothing to measure) breaks the line; a lone
			// point is a dot.
			StringBuilder path = new StringBuilder();
			StringBuilder dots = new StringBuilder();
			List<double[]> segment = new ArrayList<>();
			List<double[]> points = new ArrayList<>(line.points());
			points.add(new double[] { Double.NaN, Double.NaN });
			for (double[] point : points) {
				if (Double.isFinite(point[1]) && (!log || point[1] > 0)) {
					double value = log ? Math.log10(point[1]) : point[1];
					segment.add(new double[] { LEFT + point[0] * xScale,
							TOP + plotHeight - (value - low) / span * plotHeight });
					continue;
				}
				if (segment.size() == 1) {
					dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>",
							segment.get(0)[0], segment.get(0)[1], color));
				}
				for (int p = 0; p < segment.size() && segment.size() > 1; p++) {
					path.append(String.format(Locale.ROOT, "%s%.1f,%.1f ", (p == 0) ? "M" : "L", segment.get(p)[0],
							segment.get(p)[1]));
				}
				segment.clear();
			}
			svg.append(String.format(Locale.ROOT,
					"<g><title>%s</title><path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s d=\"%s\"/>%s</g>",
					escape(line.name()), color, line.dashed() ? " stroke-dasharray=\"5 3\"" : "",
					path.toString().trim(), dots));
			int y = TOP + 8 + i * 16;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>",
					LEFT + plotWidth + 10, LEFT + plotWidth + 28, y, y, color,
					line.dashed() ? " stroke-dasharray=\"5 3\"" : ""));
			svg.append(text(LEFT + plotWidth + 32, y + 4, "start", line.name()));
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	static double niceStep(double rough) {
		double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
		double fraction = rough / magnitude;
		double nice = (fraction <= 1) ? 1 : (fraction <= 2) ? 2 : (fraction <= 5) ? 5 : 10;
		return nice * magnitude;
	}

	private static String label(double value) {
		if (value >= 1000 && value % 1000 == 0) {
			return String.format(Locale.ROOT, "%.0fk", value / 1000);
		}
		return (value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

	private static String text(double x, double y, String anchor, String content) {
		return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
				escape(content));
	}

	static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	/** A table for the page and for the console. */
	record Table(String caption, List<String> header, List<List<String>> rows) {

		Table {
			for (List<String> row : rows) {
				if (row.size() != header.size()) {
					throw new IllegalArgumentException(
							caption + ": a row of " + row.size() + " cells under " + header.size() + " headings");
				}
			}
		}

		String html() {
			StringBuilder html = new StringBuilder("<table><caption style=\"text-align:left;font-weight:bold\">")
				.append(escape(this.caption))
				.append("</caption><tr>");
			this.header.forEach(cell -> html.append("<th>").append(escape(cell)).append("</th>"));
			html.append("</tr>\n");
			for (List<String> row : this.rows) {
				html.append("<tr>");
				row.forEach(cell -> html.append("<td>").append(escape(cell)).append("</td>"));
				html.append("</tr>\n");
			}
			return html.append("</table>\n").toString();
		}

		/** Fixed-width text: the first column left-aligned, the others right-aligned. */
		List<String> text() {
			int[] widths = new int[this.header.size()];
			List<List<String>> all = new ArrayList<>();
			all.add(this.header);
			all.addAll(this.rows);
			for (List<String> row : all) {
				for (int i = 0; i < row.size(); i++) {
					widths[i] = Math.max(widths[i], row.get(i).length());
				}
			}
			List<String> lines = new ArrayList<>();
			lines.add(this.caption);
			for (List<String> row : all) {
				StringBuilder line = new StringBuilder();
				for (int i = 0; i < row.size(); i++) {
					String format = (i == 0) ? "%-" + widths[i] + "s" : "  %" + widths[i] + "s";
					line.append(String.format(Locale.ROOT, format, row.get(i)));
				}
				lines.add(line.toString());
			}
			return lines;
		}

	}

}
