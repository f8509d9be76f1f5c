package io.txorders.local;

import org.apache.rocketmq.store.ha.DefaultHAService;

/**
 * The stock HA service listens for slaves on every interface. The local stack is a single
 * master with no slaves, so it keeps the HA bookkeeping and never opens that socket.
 * Picked up by the store through
 * {@code META-INF/service/org.apache.rocketmq.store.ha.HAService}.
 */
public class LoopbackHAService extends DefaultHAService {

	@Override
	public void start() throws Exception {
		this.groupTransferService.start();
		this.haConnectionStateNotificationService.start();
	}

}
