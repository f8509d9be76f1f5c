package io.txorders.producer.admin;

import java.lang.management.ManagementFactory;

import io.txorders.checkback.TransactionBarrier;

import org.springframework.stereotype.Component;

/**
 * Names this process in the check-back journal, so the admin page tells a
 * producer-service's answers from the standalone checkback's.
 */
@Component
class CheckbackInstanceName {

	CheckbackInstanceName(TransactionBarrier barrier) {
		barrier.answers().setInstance("producer-service-" + ManagementFactory.getRuntimeMXBean().getName());
	}

}
