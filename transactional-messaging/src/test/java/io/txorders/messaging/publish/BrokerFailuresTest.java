package io.txorders.messaging.publish;

import java.net.ConnectException;

import io.txorders.messaging.transport.ProxyUnreachable;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.common.ClientErrorCode;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.java.exception.InternalErrorException;
import org.apache.rocketmq.client.java.exception.NotFoundException;
import org.apache.rocketmq.client.java.exception.ProxyTimeoutException;
import org.apache.rocketmq.client.java.exception.TooManyRequestsException;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.exception.RemotingTimeoutException;
import org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only a send that provably stored nothing may be replaced by the local message table;
 * the exceptions are wrapped as the client wraps them in {@code sendMessageInTransaction}
 * ("send message Exception" around "Send [1] times, still failed").
 */
class BrokerFailuresTest {

	@Test
	void aRefusedConnectionOrAMissingRouteStoredNothing() {
		assertThat(BrokerFailures.notStored(asTheClientThrows(
				sendFailed(ClientErrorCode.CONNECT_BROKER_EXCEPTION, new RemotingConnectException("127.0.0.1:10911")))))
			.isTrue();
		MQClientException noRoute = new MQClientException(ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION,
				"No route info of this topic: order-events");
		assertThat(BrokerFailures.notStored(asTheClientThrows(noRoute))).isTrue();
		// A NameServer out of reach while the route is looked up: thrown as is.
		assertThat(BrokerFailures
			.notStored(asTheClientThrows(new IllegalStateException(new RemotingConnectException("127.0.0.1:9876")))))
			.isTrue();
	}

	@Test
	void aBrokerThatAnsweredBusyStoredNothing() {
		assertThat(BrokerFailures.notStored(asTheClientThrows(
				new MQBrokerException(ResponseCode.SYSTEM_BUSY, "[PC_SYNCHRONIZED]broker busy", "127.0.0.1:10911"))))
			.isTrue();
	}

	@Test
	void aTimeoutMayHaveStoredTheHalfMessage() {
		assertThat(BrokerFailures.notStored(asTheClientThrows(sendFailed(ClientErrorCode.ACCESS_BROKER_TIMEOUT,
				new RemotingTimeoutException("wait response on the channel <127.0.0.1:10911> timeout, 3000(ms)")))))
			.isFalse();
		assertThat(BrokerFailures
			.notStored(asTheClientThrows(new RemotingTooMuchRequestException("sendDefaultImpl call timeout"))))
			.isFalse();
	}

	@Test
	void aMessageTheBrokerRefusedForItselfIsNotAnOutage() {
		assertThat(BrokerFailures.notStored(asTheClientThrows(
				new MQClientException(ResponseCode.MESSAGE_ILLEGAL, "the message body size over max value"))))
			.as("would wait in the table for ever")
			.isFalse();
		assertThat(BrokerFailures.notStored(asTheClientThrows(
				new MQBrokerException(ResponseCode.NO_PERMISSION, "the broker is not writable", "127.0.0.1:10911"))))
			.isFalse();
	}

	@Test
	void overGrpcAProxyOutOfReachOrWithoutARouteOrThrottlingStoredNothing() {
		// client-java wraps the refused connection of its gRPC channel.
		assertThat(BrokerFailures.notStored(new ClientException(new IllegalStateException("UNAVAILABLE: io exception",
				new ConnectException("Connection refused: /127.0.0.1:8081")))))
			.isTrue();
		assertThat(BrokerFailures.notStored(new ProxyUnreachable("the gRPC producer has not started yet"))).isTrue();
		assertThat(BrokerFailures.notStored(new NotFoundException(40402, "req-1", "No topic route info"))).isTrue();
		assertThat(BrokerFailures.notStored(new TooManyRequestsException(42900, "req-2", "flow control"))).isTrue();
	}

	@Test
	void overGrpcATimeoutOrAnInternalErrorMayHaveStoredTheHalfMessage() {
		assertThat(BrokerFailures.notStored(new ProxyTimeoutException(50400, "req-3", "proxy timeout"))).isFalse();
		assertThat(BrokerFailures.notStored(new ClientException(new java.util.concurrent.TimeoutException())))
			.isFalse();
		assertThat(BrokerFailures.notStored(new InternalErrorException(50000, "req-4", "internal error"))).isFalse();
	}

	private static MQClientException sendFailed(int code, Throwable last) {
		MQClientException failed = new MQClientException("Send [1] times, still failed, cost [3]ms", last);
		failed.setResponseCode(code);
		return failed;
	}

	private static MQClientException asTheClientThrows(Throwable cause) {
		return new MQClientException("send message Exception", cause);
	}

}
