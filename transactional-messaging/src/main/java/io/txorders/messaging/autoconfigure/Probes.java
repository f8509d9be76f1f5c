package io.txorders.messaging.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

import io.txorders.messaging.barrier.TransactionResolution;
import io.txorders.messaging.spi.MessagingProbe;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Every registered {@link MessagingProbe} as one: each point is passed to every probe in
 * order; an {@code answer} is passed along the chain, each probe seeing the one before's.
 */
final class Probes {

	private Probes() {
	}

	static MessagingProbe combine(ObjectProvider<MessagingProbe> registered) {
		List<MessagingProbe> probes = registered.orderedStream().toList();
		return switch (probes.size()) {
			case 0 -> MessagingProbe.NONE;
			case 1 -> probes.get(0);
			default -> (MessagingProbe) Proxy.newProxyInstance(MessagingProbe.class.getClassLoader(),
					new Class<?>[] { MessagingProbe.class },
					(proxy, method, args) -> callAll(proxy, probes, method, args));
		};
	}

	private static Object callAll(Object proxy, List<MessagingProbe> probes, Method method, Object[] args)
			throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "MessagingProbe" + probes;
			};
		}
		Object result = null;
		for (MessagingProbe probe : probes) {
			try {
				result = method.invoke(probe, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			if (result instanceof TransactionResolution answer) {
				// The answer point: the next probe sees this one's answer.
				args[args.length - 1] = answer;
			}
		}
		return result;
	}

}
