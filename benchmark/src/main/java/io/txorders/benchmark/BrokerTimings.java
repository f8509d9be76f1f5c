package io.txorders.benchmark;

import java.util.Map;
import java.util.Properties;

import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The broker's check-back timings, which bound how long an UNKNOWN answer may stay
 * unresolved: the broker first checks a half message back once it is
 * {@code transactionTimeOut} old, on a pass every {@code transactionCheckInterval}; an
 * answer that is itself UNKNOWN is asked again a pass later. Read from the broker's own
 * configuration (admin API), unless given as options.
 */
record BrokerTimings(long timeoutMillis, long checkIntervalMillis, String source) {

	/** Every UNKNOWN should be resolved by then: timeout + 2 x check interval. */
	long resolveWithinMillis() {
		return this.timeoutMillis + 2 * this.checkIntervalMillis;
	}

	static BrokerTimings of(String nameServer, Map<String, String> options) {
		String timeout = options.get("transaction-timeout-ms");
		String interval = options.get("transaction-check-interval-ms");
		if (timeout != null && interval != null) {
			return new BrokerTimings(Long.parseLong(timeout), Long.parseLong(interval), "options");
		}
		Properties broker = brokerConfig(nameServer);
		return new BrokerTimings(
				Long.parseLong((timeout != null) ? timeout : required(broker, "transactionTimeOut", nameServer)),
				Long.parseLong(
						(interval != null) ? interval : required(broker, "transactionCheckInterval", nameServer)),
				"the broker's configuration");
	}

	private static String required(Properties broker, String key, String nameServer) {
		String value = broker.getProperty(key);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException("the broker behind " + nameServer + " does not report " + key
					+ ": give --transaction-timeout-ms and --transaction-check-interval-ms");
		}
		return value.trim();
	}

	private static Properties brokerConfig(String nameServer) {
		DefaultMQAdminExt admin = new DefaultMQAdminExt("benchmark", 5000);
		admin.setNamesrvAddr(nameServer);
		admin.setInstanceName("benchmark-timings-" + ProcessHandle.current().pid());
		try {
			admin.start();
			ClusterInfo cluster = admin.examineBrokerClusterInfo();
			for (BrokerData broker : cluster.getBrokerAddrTable().values()) {
				String master = broker.selectBrokerAddr();
				if (master != null) {
					return admin.getBrokerConfig(master);
				}
			}
			throw new IllegalStateException("the NameServer at " + nameServer + " knows no broker");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading the broker's configuration", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot read the broker's configuration through " + nameServer
					+ " (give --transaction-timeout-ms and --transaction-check-interval-ms): " + ex, ex);
		}
		finally {
			admin.shutdown();
		}
	}

}
