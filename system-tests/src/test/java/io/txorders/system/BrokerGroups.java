package io.txorders.system;

import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Stops and restarts a consumer group's deliveries the way an operator would, on the
 * broker: {@code consumeEnable} off makes every master refuse the group's pulls (its
 * messages wait), on lets them through again.
 */
final class BrokerGroups {

	private BrokerGroups() {
	}

	static void setConsumeEnabled(String nameServer, String group, boolean enabled) {
		DefaultMQAdminExt admin = new DefaultMQAdminExt("system-tests-groups", 5000);
		admin.setNamesrvAddr(nameServer);
		admin.setInstanceName("system-tests-groups-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
		try {
			admin.start();
			ClusterInfo cluster = admin.examineBrokerClusterInfo();
			for (BrokerData broker : cluster.getBrokerAddrTable().values()) {
				String master = broker.selectBrokerAddr();
				SubscriptionGroupConfig config = admin.examineSubscriptionGroupConfig(master, group);
				config.setConsumeEnable(enabled);
				admin.createAndUpdateSubscriptionGroupConfig(master, config);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not set consumeEnable=" + enabled + " for group " + group, ex);
		}
		finally {
			admin.shutdown();
		}
	}

}
