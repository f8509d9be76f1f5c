package io.txorders.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page stands alone: tables and inline SVG, nothing to fetch or run.
 */
class ReportPageTest {

	@TempDir
	Path dir;

	@Test
	void thePageHasThreeChartsPerRunAndNothingExternal() throws Exception {
		List<Timeline.Second> seconds = List.of(new Timeline.Second(1, "load", 40, 0, 12, 80, 35, 150, 420),
				new Timeline.Second(2, "load", 42, 1, 11, 95, 41, 160, 380),
				new Timeline.Second(3, "drain", 0, 0, Double.NaN, Double.NaN, 6, 900, 1200));
		List<Timeline.LagSample> lag = List.of(
				new Timeline.LagSample(0.2, "load", Map.of("inventory", 0L, "points", 3L), 1),
				new Timeline.LagSample(1.2, "load", Map.of("inventory", 12L, "points", 30L), 4),
				new Timeline.LagSample(2.2, "drain", Map.of("inventory", 0L, "points", 0L), 0));
		ServiceRun run = new ServiceRun(
				new Measurement.Result("service: POST /orders", "8 clients", 41, 12, 40, 90, 120, 82, 1), null, 1.0,
				null, 2.5, seconds, lag, 0, null);
		Path page = this.dir.resolve("report.html");

		ReportPage.write(page, "test <run>", List.of("2 cores"),
				List.of(new ReportPage.Table("t", List.of("a", "b"), List.of(List.of("x & y", "1")))), List.of("done"),
				List.of(run), List.of("inventory", "points"));

		String html = Files.readString(page);
		assertThat(html).contains("test &lt;run&gt;", "x &amp; y", "lag inventory", "HTTP p99", "CONFIRMED p99",
				"load stops");
		assertThat(html.split("<svg ", -1)).hasSize(4);
		assertThat(html).doesNotContain("<script", "src=", "href=", "@import", "url(");
	}

	@Test
	void axisStepsAreOneTwoOrFiveTimesAPowerOfTen() {
		assertThat(ReportPage.niceStep(0.7)).isEqualTo(1);
		assertThat(ReportPage.niceStep(13)).isEqualTo(20);
		assertThat(ReportPage.niceStep(260)).isEqualTo(500);
	}

}
