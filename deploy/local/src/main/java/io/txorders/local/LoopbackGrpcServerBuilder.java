package io.txorders.local;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import org.apache.rocketmq.proxy.config.ConfigurationManager;
import org.apache.rocketmq.proxy.config.ProxyConfig;
import org.apache.rocketmq.proxy.grpc.GrpcServerBuilder;
import org.apache.rocketmq.proxy.grpc.ProxyAndTlsProtocolNegotiator;
import org.apache.rocketmq.proxy.service.cert.TlsCertificateManager;

/**
 * The proxy's gRPC server builder binds {@code forPort}, i.e. every interface. This one
 * swaps in a builder bound to 127.0.0.1 with the same settings.
 */
final class LoopbackGrpcServerBuilder extends GrpcServerBuilder {

	LoopbackGrpcServerBuilder(ThreadPoolExecutor executor, int port, TlsCertificateManager tlsCertificateManager) {
		// The parent's builder is discarded before it binds; its idle event loop groups
		// start no threads.
		super(executor, port, tlsCertificateManager);
		ProxyConfig config = ConfigurationManager.getProxyConfig();
		this.serverBuilder = NettyServerBuilder.forAddress(new InetSocketAddress(Ports.LOOPBACK, port))
			.maxConcurrentCallsPerConnection(config.getGrpcMaxConcurrentCallsPerConnection())
			.protocolNegotiator(new ProxyAndTlsProtocolNegotiator())
			.bossEventLoopGroup(new NioEventLoopGroup(config.getGrpcBossLoopNum()))
			.workerEventLoopGroup(new NioEventLoopGroup(config.getGrpcWorkerLoopNum()))
			.channelType(NioServerSocketChannel.class)
			.executor(executor)
			.maxInboundMessageSize(config.getGrpcMaxInboundMessageSize())
			.maxConnectionIdle(config.getGrpcClientIdleTimeMills(), TimeUnit.MILLISECONDS);
	}

}
