package io.txorders.system.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.txorders.testsupport.CustomerTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bounded, mixed load of orders, driven the way a careful client drives the API: every
 * order has an Idempotency-Key, and a request that fails without an answer (connection
 * refused or reset, timeout, 5xx) is sent again with the same key until it is answered.
 * The mix: normal orders, orders for more T-shirts than exist (rejected by inventory),
 * orders of customers without money (rejected by payment), orders cancelled by their user
 * right after placing, orders cancelled by their user once they are CONFIRMED (inventory
 * restocks, payment refunds, points are reversed), and orders sent twice with the same
 * key. Each logical order remembers every answer, so the harness can check that none was
 * lost or placed twice.
 * <p>
 * Every customer but the {@link Kind#NO_FUNDS} ones must have money before the load
 * starts ({@link #fundedCustomers()}): an order is CONFIRMED only when inventory reserved
 * AND payment froze its total.
 */
final class OrderLoad implements AutoCloseable {

	enum Kind {

		/**
		 * Stickers, sometimes a mug: plenty of stock and money, should end CONFIRMED (a
		 * soak may sell every sticker between restocks: then CANCELLED by inventory).
		 */
		NORMAL,
		/**
		 * More T-shirts than the 50 in stock: inventory rejects, the order ends
		 * CANCELLED.
		 */
		SHORT_STOCK,
		/**
		 * Placed, then cancelled by the user at once, mostly before the Try replies are
		 * in: ends CANCELLED, the Try undone (released, unfrozen).
		 */
		USER_CANCEL,
		/**
		 * Placed, and cancelled by the user once it is CONFIRMED: ends CANCELLED, the
		 * Confirm undone (restocked, refunded, points reversed).
		 */
		CANCEL_CONFIRMED,
		/**
		 * A sticker for a customer without an account: payment rejects, the order ends
		 * CANCELLED.
		 */
		NO_FUNDS,
		/** Sent a second time with the same Idempotency-Key: one order, same id. */
		REPEATED_KEY

	}

	/** One order as the client knows it. */
	static final class ClientOrder {

		final Kind kind;

		final String userId;

		final String key;

		final String body;

		/** Every order id an answer named for this key (must be exactly one). */
		final List<String> ids = new ArrayList<>();

		volatile boolean accepted;

		volatile boolean cancelled;

		/** The client saw it CONFIRMED before it cancelled it (CANCEL_CONFIRMED). */
		volatile boolean cancelledWhenConfirmed;

		/** An answer the client should never get (a 4xx for a valid request). */
		volatile String unexpected;

		ClientOrder(Kind kind, String userId, String key, String body) {
			this.kind = kind;
			this.userId = userId;
			this.key = key;
			this.body = body;
		}

		synchronized void answered(String orderId) {
			if (!this.ids.contains(orderId)) {
				this.ids.add(orderId);
			}
		}

		synchronized String orderId() {
			return this.ids.isEmpty() ? null : this.ids.get(0);
		}

	}

	/**
	 * One {@code POST /orders} request: when it was sent and answered
	 * ({@link System#nanoTime()}), and its answer: the HTTP status, or the exception's
	 * name when none came.
	 */
	record Placement(ClientOrder order, long sentAt, long answeredAt, String answer) {
	}

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(3);

	/** How long the canceller goes on after the load stopped. */
	private static final Duration CANCEL_GRACE = Duration.ofSeconds(10);

	/** Customers with money, per client: {@code fault-user-<client>-<n>}. */
	private static final int FUNDED_PER_CLIENT = 50;

	/** Customers without an account, per client: {@code fault-broke-<client>-<n>}. */
	private static final int BROKE_PER_CLIENT = 5;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final URI producer;

	private final int clients;

	private final Random seeds;

	private final AtomicBoolean running = new AtomicBoolean();

	private final List<Thread> threads = new ArrayList<>();

	/**
	 * CANCEL_CONFIRMED orders placed and not yet cancelled: the canceller cancels each
	 * once it reads it CONFIRMED, so no client waits for a confirmation.
	 */
	private final Queue<ClientOrder> toCancelWhenConfirmed = new ConcurrentLinkedQueue<>();

	private Thread canceller;

	/**
	 * Until when the canceller keeps working through its queue after the load stopped.
	 */
	private volatile long cancellerDeadline = Long.MAX_VALUE;

	private final Queue<ClientOrder> orders = new ConcurrentLinkedQueue<>();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicLong requests = new AtomicLong();

	private final Map<String, AtomicInteger> retriesByCause = new ConcurrentHashMap<>();

	private final Queue<Placement> placements = new ConcurrentLinkedQueue<>();

	/** Nanoseconds between two new orders across all clients. */
	private final long interval;

	private final CustomerTokens tokens;

	/**
	 * One access token per customer, signed once (valid for an hour, longer than a run).
	 */
	private final Map<String, String> signedIn = new ConcurrentHashMap<>();

	/** When the next new order may start (System.nanoTime). */
	private final AtomicLong nextStart = new AtomicLong(System.nanoTime());

	/**
	 * @param ordersPerSecond new orders per second at most, across all clients, so the
	 * consumers keep up and the run stays bounded (retries are not paced)
	 */
	OrderLoad(URI producer, CustomerTokens tokens, int clients, int ordersPerSecond, long seed) {
		this.producer = producer;
		this.tokens = tokens;
		this.clients = clients;
		this.interval = 1_000_000_000L / ordersPerSecond;
		this.seeds = new Random(seed);
	}

	void start() {
		this.running.set(true);
		for (int i = 0; i < this.clients; i++) {
			long seed = this.seeds.nextLong();
			int client = i;
			Thread thread = new Thread(() -> run(client, new Random(seed)), "order-client-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
		this.canceller = new Thread(this::cancelWhenConfirmed, "order-canceller");
		this.canceller.setDaemon(true);
		this.canceller.start();
	}

	/** Every customer the load's orders need money for (all but the NO_FUNDS ones). */
	List<String> fundedCustomers() {
		List<String> customers = new ArrayList<>();
		for (int client = 0; client < this.clients; client++) {
			for (int n = 0; n < FUNDED_PER_CLIENT; n++) {
				customers.add("fault-user-" + client + "-" + n);
			}
		}
		return customers;
	}

	/** Stops starting new orders and waits for the ones in progress to be answered. */
	void stop() {
		this.running.set(false);
		for (Thread thread : this.threads) {
			try {
				thread.join(GIVE_UP_AFTER.plusSeconds(30).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		// The last CANCEL_CONFIRMED orders are cancelled if they are confirmed within a
		// short grace; the others stay uncancelled (no outcome is expected of them), and
		// the run does not wait out the consumers' retry backoff here as well as in the
		// harness's wait for quiet.
		this.cancellerDeadline = System.nanoTime() + CANCEL_GRACE.toNanos();
		if (this.canceller != null) {
			try {
				this.canceller.join(GIVE_UP_AFTER.plusSeconds(30).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** CANCEL_CONFIRMED orders cancelled after the client saw them CONFIRMED. */
	long cancelledWhenConfirmed() {
		return this.orders.stream().filter((order) -> order.cancelledWhenConfirmed).count();
	}

	int accepted() {
		return this.accepted.get();
	}

	long requests() {
		return this.requests.get();
	}

	Map<String, AtomicInteger> retriesByCause() {
		return this.retriesByCause;
	}

	List<ClientOrder> orders() {
		return List.copyOf(this.orders);
	}

	/**
	 * Every {@code POST /orders} request sent from {@code from} to {@code to}
	 * ({@link System#nanoTime()}), retries included, with its answer.
	 */
	List<Placement> placementsSentBetween(long from, long to) {
		return this.placements.stream().filter((p) -> p.sentAt() - from >= 0 && to - p.sentAt() > 0).toList();
	}

	private void run(int client, Random random) {
		int n = 0;
		while (this.running.get()) {
			awaitTurn();
			n++;
			Kind kind = kind(random.nextInt(100));
			String userId = (kind == Kind.NO_FUNDS) ? "fault-broke-" + client + "-" + (n % BROKE_PER_CLIENT)
					: "fault-user-" + client + "-" + (n % FUNDED_PER_CLIENT);
			ClientOrder order = new ClientOrder(kind, userId, UUID.randomUUID().toString(), body(kind, userId, random));
			this.orders.add(order);
			if (!place(order)) {
				continue;
			}
			this.accepted.incrementAndGet();
			if (kind == Kind.REPEATED_KEY) {
				place(order);
			}
			else if (kind == Kind.USER_CANCEL) {
				cancel(order);
			}
			else if (kind == Kind.CANCEL_CONFIRMED) {
				this.toCancelWhenConfirmed.add(order);
			}
		}
	}

	/** The mix, out of 100. */
	private static Kind kind(int dice) {
		if (dice < 60) {
			return Kind.NORMAL;
		}
		if (dice < 70) {
			return Kind.SHORT_STOCK;
		}
		if (dice < 78) {
			return Kind.USER_CANCEL;
		}
		if (dice < 88) {
			return Kind.CANCEL_CONFIRMED;
		}
		return (dice < 93) ? Kind.NO_FUNDS : Kind.REPEATED_KEY;
	}

	/**
	 * Reads each waiting CANCEL_CONFIRMED order; cancels it once it is CONFIRMED, drops
	 * it if it was CANCELLED without the client (its stickers ran out), keeps it while
	 * CREATED. Unanswered reads (the producer is down) are read again next time.
	 */
	private void cancelWhenConfirmed() {
		while (this.running.get()
				|| (!this.toCancelWhenConfirmed.isEmpty() && System.nanoTime() < this.cancellerDeadline)) {
			for (ClientOrder order : List.copyOf(this.toCancelWhenConfirmed)) {
				String status = status(order);
				if ("CONFIRMED".equals(status)) {
					cancel(order);
					if (order.cancelled) {
						order.cancelledWhenConfirmed = true;
					}
					this.toCancelWhenConfirmed.remove(order);
				}
				else if ("CANCELLED".equals(status)) {
					this.toCancelWhenConfirmed.remove(order);
				}
			}
			LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
		}
	}

	/** The order's status as its customer reads it, or null without an answer. */
	private String status(ClientOrder order) {
		HttpRequest request = HttpRequest.newBuilder(this.producer.resolve("/orders/" + order.orderId()))
			.timeout(Duration.ofSeconds(5))
			.header("Authorization", bearer(order.userId))
			.GET()
			.build();
		try {
			this.requests.incrementAndGet();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? json.readTree(response.body()).get("status").asString() : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/** Paces new orders: each takes the next slot and waits for it. */
	private void awaitTurn() {
		long now = System.nanoTime();
		long slot = this.nextStart.getAndUpdate((next) -> Math.max(next, now) + this.interval);
		long wait = Math.max(slot, now) - now;
		if (wait > 0) {
			LockSupport.parkNanos(wait);
		}
	}

	private static String body(Kind kind, String userId, Random random) {
		String lines = switch (kind) {
			case SHORT_STOCK -> line("TSHIRT-M", 51 + random.nextInt(10));
			case CANCEL_CONFIRMED -> line("STICKER-1", 1 + random.nextInt(2)) + "," + line("MUG-001", 1);
			case NORMAL ->
				(random.nextInt(4) == 0) ? line("STICKER-1", 1 + random.nextInt(2)) + "," + line("MUG-001", 1)
						: line("STICKER-1", 1 + random.nextInt(3));
			default -> line("STICKER-1", 1);
		};
		return "{\"userId\":\"" + userId + "\",\"items\":[" + lines + "]}";
	}

	/** A line at the catalog's price. */
	private static String line(String sku, int quantity) {
		return "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}";
	}

	private String bearer(String customer) {
		return "Bearer " + this.signedIn.computeIfAbsent(customer, this.tokens::forCustomer);
	}

	/** Sends the order until it is answered; true when accepted (201 or 200). */
	private boolean place(ClientOrder order) {
		HttpRequest request = HttpRequest.newBuilder(this.producer.resolve("/orders"))
			.timeout(Duration.ofSeconds(15))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", order.key)
			.header("Authorization", bearer(order.userId))
			.POST(HttpRequest.BodyPublishers.ofString(order.body))
			.build();
		HttpResponse<String> response = sendUntilAnswered(request, order);
		if (response == null) {
			return false;
		}
		if (response.statusCode() == 201 || response.statusCode() == 200) {
			order.answered(json.readTree(response.body()).get("orderId").asString());
			order.accepted = true;
			return true;
		}
		order.unexpected = "POST /orders answered " + response.statusCode() + ": " + response.body();
		return false;
	}

	private void cancel(ClientOrder order) {
		HttpRequest request = HttpRequest.newBuilder(this.producer.resolve("/orders/" + order.orderId() + "/cancel"))
			.timeout(Duration.ofSeconds(15))
			.header("Authorization", bearer(order.userId))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = sendUntilAnswered(request, null);
		if (response == null) {
			return;
		}
		JsonNode body = json.readTree(response.body());
		if (response.statusCode() == 200) {
			order.cancelled = true;
		}
		else if (response.statusCode() == 409 && response.body().contains("CANCELLED")) {
			// An earlier attempt whose answer was lost did cancel it, or a rejection got
			// there first.
			order.cancelled = true;
		}
		else {
			order.unexpected = "POST /orders/" + order.orderId() + "/cancel answered " + response.statusCode() + ": "
					+ body;
		}
	}

	/**
	 * Sends again after no answer or a 5xx, like a client with a retry policy; gives up
	 * after {@link #GIVE_UP_AFTER} (the harness then reports the order as never
	 * accepted).
	 * @param placing the order a {@code POST /orders} places, whose every attempt is
	 * recorded as a {@link Placement}, or null for another request
	 */
	private HttpResponse<String> sendUntilAnswered(HttpRequest request, ClientOrder placing) {
		long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
		while (System.nanoTime() < deadline) {
			this.requests.incrementAndGet();
			String cause;
			long sent = System.nanoTime();
			try {
				HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
				if (placing != null) {
					this.placements
						.add(new Placement(placing, sent, System.nanoTime(), String.valueOf(response.statusCode())));
				}
				if (response.statusCode() < 500) {
					return response;
				}
				cause = "HTTP " + response.statusCode();
			}
			catch (IOException ex) {
				cause = ex.getClass().getSimpleName();
				if (placing != null) {
					this.placements.add(new Placement(placing, sent, System.nanoTime(), cause));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
			this.retriesByCause.computeIfAbsent(cause, (c) -> new AtomicInteger()).incrementAndGet();
			// Back off before the retry, as a client would.
			LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
		}
		return null;
	}

	@Override
	public void close() {
		stop();
	}

}
