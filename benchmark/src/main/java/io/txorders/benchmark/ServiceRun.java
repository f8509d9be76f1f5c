package io.txorders.benchmark;

import java.util.List;

/**
 * One measured run of the service: its HTTP figures, its orders' submit-to-CONFIRMED, the
 * check-backs it caused, and its second-by-second series.
 */
record ServiceRun(Measurement.Result http, Settlements.Summary confirm, double drainSeconds, Resolutions checkbacks,
		double loadEndedAt, List<Timeline.Second> seconds, List<Timeline.LagSample> lag, long lagErrors,
		String lastLagError) {

	String title() {
		return this.http.name() + ", " + this.http.load();
	}

	/** The largest lag a group had during the run and its drain; -1 if never read. */
	long maxLag(String group) {
		return this.lag.stream().mapToLong(sample -> sample.lag().getOrDefault(group, -1L)).max().orElse(-1);
	}

}
