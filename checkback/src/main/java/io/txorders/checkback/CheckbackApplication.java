package io.txorders.checkback;

import io.txorders.messaging.publish.TransactionalPublisher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The standalone check-back process: joins the order producer group only to answer the
 * broker's check-backs, so half messages still resolve while every producer-service
 * instance is down or redeploying. Everything it does is the kit's
 * ({@code transactional-messaging}): a transactional publisher that never publishes,
 * answering from the orders database through the barrier, and the broker watch.
 */
@SpringBootApplication
public class CheckbackApplication {

	/**
	 * Requires the kit's publisher: a checkback without a producer group
	 * ({@code ORDER_PRODUCER_GROUP}) would answer nothing, so it does not start.
	 */
	CheckbackApplication(TransactionalPublisher publisher) {
	}

	public static void main(String[] args) {
		SpringApplication.run(CheckbackApplication.class, args);
	}

}
