package io.txorders.producer.webhook;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Sends due notifications, in every producer-service instance. One thread claims them per
 * endpoint, at most {@code maxInFlightPerEndpoint} of one endpoint and {@code threads} in
 * all at a time, so a slow or dead endpoint holds only its own share; a pool POSTs them.
 * Each attempt is logged before the request and completed after it; the notification is
 * then DELIVERED (a 2xx), due again after the schedule's next wait with up to 20 %
 * jitter, or FAILED once the schedule is spent. The dispatcher is woken when a transition
 * commits new notifications, and otherwise looks every poll interval.
 */
public class WebhookDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

	/** Of an answer, at most this much is read, and the start of it kept. */
	static final int MAX_ANSWER_BYTES = 4096;

	static final int EXCERPT_CHARS = 256;

	private static final Duration BACKLOG_REFRESH = Duration.ofSeconds(5);

	private static final Duration GATHER = Duration.ofMillis(10);

	private final WebhookNotifications notifications;

	private final WebhookEndpoints endpoints;

	private final TargetPolicy policy;

	private final WebhookSettings settings;

	private final HttpClient http;

	private final String name;

	private final Semaphore wake = new Semaphore(0);

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Map<Long, AtomicInteger> inFlightByEndpoint = new ConcurrentHashMap<>();

	/** Endpoints whose last attempt here failed. */
	private final Set<Long> failing = ConcurrentHashMap.newKeySet();

	private final AtomicReference<WebhookNotifications.Backlog> backlog = new AtomicReference<>(
			new WebhookNotifications.Backlog(0, 0));

	private final Counter delivered;

	private final Counter retried;

	private final Counter failed;

	private final Map<String, Timer> attemptTimers;

	private volatile boolean stopped = true;

	private Thread loop;

	private ExecutorService posts;

	private int nextEndpoint;

	private long backlogReadAt;

	private List<Long> active;

	private long activeReadAt;

	public WebhookDispatcher(WebhookNotifications notifications, WebhookEndpoints endpoints, TargetPolicy policy,
			WebhookSettings settings, MeterRegistry meters) {
		this(notifications, endpoints, policy, settings, meters, ManagementFactory.getRuntimeMXBean().getName());
	}

	/**
	 * @param name how the attempt log names this dispatcher (the process, by default)
	 */
	public WebhookDispatcher(WebhookNotifications notifications, WebhookEndpoints endpoints, TargetPolicy policy,
			WebhookSettings settings, MeterRegistry meters, String name) {
		this.notifications = notifications;
		this.endpoints = endpoints;
		this.policy = policy;
		this.settings = settings;
		this.http = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(settings.connectTimeout())
			.version(HttpClient.Version.HTTP_1_1)
			.build();
		this.name = name;
		this.delivered = Counter.builder("txorders.webhooks.delivered")
			.description("Webhook notifications delivered (a 2xx answer)")
			.register(meters);
		this.retried = Counter.builder("txorders.webhooks.retried")
			.description("Failed webhook attempts whose notification waits for its next try")
			.register(meters);
		this.failed = Counter.builder("txorders.webhooks.failed")
			.description("Webhook notifications given up (FAILED) after the retry schedule")
			.register(meters);
		this.attemptTimers = Map.of("DELIVERED", attemptTimer(meters, "delivered"), "REFUSED",
				attemptTimer(meters, "refused"), "ERROR", attemptTimer(meters, "error"));
		Gauge.builder("txorders.webhooks.pending", this.backlog, (current) -> current.get().pending())
			.description("Webhook notifications of active endpoints not yet DELIVERED or FAILED")
			.register(meters);
		Gauge.builder("txorders.webhooks.oldest.seconds", this.backlog, (current) -> current.get().oldestSeconds())
			.description("Age of the oldest pending webhook notification of an active endpoint")
			.baseUnit("seconds")
			.register(meters);
	}

	private static Timer attemptTimer(MeterRegistry meters, String outcome) {
		return Timer.builder("txorders.webhooks.attempt")
			.description(
					"Webhook POSTs, by how they ended: delivered (2xx), refused (another status), error (no answer)")
			.tag("outcome", outcome)
			.register(meters);
	}

	/** New notifications were committed: look now rather than at the next poll. */
	public void wake() {
		if (this.wake.availablePermits() == 0) {
			this.wake.release();
		}
	}

	@Override
	public synchronized void start() {
		if (!this.stopped) {
			return;
		}
		this.stopped = false;
		AtomicInteger threadNo = new AtomicInteger();
		this.posts = Executors.newFixedThreadPool(this.settings.threads(), (task) -> {
			Thread thread = new Thread(task, "webhook-post-" + threadNo.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.loop = new Thread(this::run, "webhook-dispatcher");
		this.loop.setDaemon(true);
		this.loop.start();
		log.info("Webhook dispatcher {} started: {} POSTs at a time, {} per endpoint, timeout {}, retry schedule {}",
				this.name, this.settings.threads(), this.settings.maxInFlightPerEndpoint(), this.settings.timeout(),
				this.settings.retrySchedule());
	}

	@Override
	public synchronized void stop() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		wake();
		try {
			this.loop.join(TimeUnit.SECONDS.toMillis(5));
			this.posts.shutdown();
			// POSTs in flight finish (each within its timeout) and record their outcome;
			// one cut short leaves its notification to the next dispatcher after the
			// lease, with the same webhook-id.
			if (!this.posts.awaitTermination(this.settings.timeout().plusSeconds(2).toMillis(),
					TimeUnit.MILLISECONDS)) {
				this.posts.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.posts.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return !this.stopped;
	}

	@Override
	public int getPhase() {
		// Stops before the web server and the database pool, so last outcomes are kept.
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	/** Pending notifications and the oldest's age, as last read. */
	public WebhookNotifications.Backlog backlog() {
		return this.backlog.get();
	}

	private void run() {
		while (!this.stopped) {
			try {
				refreshBacklog();
				int claimed = claimRound();
				if (claimed == 0 || this.inFlight.get() >= this.settings.threads()) {
					if (this.wake.tryAcquire(this.settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
						// Woken by a POST that ended or a commit: a moment more lets the
						// next claim take several notifications in one transaction.
						Thread.sleep(GATHER.toMillis());
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Webhook dispatcher: claiming failed, trying again in {}: {}", this.settings.pollInterval(),
						ex.toString());
				try {
					Thread.sleep(this.settings.pollInterval().toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void refreshBacklog() {
		long now = System.nanoTime();
		if (now - this.backlogReadAt >= BACKLOG_REFRESH.toNanos() || this.backlogReadAt == 0) {
			this.backlog.set(this.notifications.backlog());
			this.backlogReadAt = now;
		}
	}

	/**
	 * The active endpoints, read again once a poll interval: an endpoint registered,
	 * enabled or disabled is seen within it.
	 */
	private List<Long> activeEndpoints() {
		long now = System.nanoTime();
		if (this.active == null || now - this.activeReadAt >= this.settings.pollInterval().toNanos()) {
			this.active = this.endpoints.activeIds();
			this.activeReadAt = now;
		}
		return this.active;
	}

	/** Claims for every active endpoint in turn what this instance may send now. */
	private int claimRound() {
		List<Long> active = activeEndpoints();
		int claimed = 0;
		for (int i = 0; i < active.size() && !this.stopped; i++) {
			// Another endpoint goes first each round: none waits behind the rest.
			long endpointId = active.get((this.nextEndpoint + i) % active.size());
			// An endpoint whose last attempt failed is probed one POST at a time until
			// one is delivered: a dead or slow endpoint holds one thread, not its share.
			int allowed = this.failing.contains(endpointId) ? 1 : this.settings.maxInFlightPerEndpoint();
			int free = Math.min(this.settings.threads() - this.inFlight.get(),
					allowed - this.inFlightByEndpoint.computeIfAbsent(endpointId, (id) -> new AtomicInteger()).get());
			if (free <= 0) {
				continue;
			}
			String token = UUID.randomUUID().toString();
			for (WebhookNotifications.Due due : this.notifications.claim(endpointId, free, this.settings.lease(), token,
					this.name)) {
				this.inFlight.incrementAndGet();
				this.inFlightByEndpoint.get(endpointId).incrementAndGet();
				claimed++;
				try {
					this.posts.execute(() -> deliver(due, token));
				}
				catch (RuntimeException ex) {
					done(due);
					this.notifications.release(due, token);
				}
			}
		}
		this.nextEndpoint = active.isEmpty() ? 0 : (this.nextEndpoint + 1) % active.size();
		return claimed;
	}

	private void deliver(WebhookNotifications.Due due, String token) {
		try {
			WebhookNotifications.Result result = post(due);
			this.attemptTimers.get(result.outcome()).record(Duration.ofMillis(result.latencyMs()));
			if (result.delivered()) {
				this.failing.remove(due.endpointId());
			}
			else {
				this.failing.add(due.endpointId());
			}
			Duration wait = result.delivered() ? null : nextWait(due.retryStep());
			WebhookNotifications.Settled settled = this.notifications.finish(due.id(), due.attemptId(), token, result,
					wait);
			switch (settled) {
				case DELIVERED -> this.delivered.increment();
				case RETRY -> {
					this.retried.increment();
					log.info("Webhook {} to endpoint {}: attempt {} {}; next in {}", due.webhookId(), due.endpointId(),
							due.attemptNo(), describe(result), wait);
				}
				case FAILED -> {
					this.failed.increment();
					log.warn("Webhook {} to endpoint {} FAILED after its retry schedule: {}", due.webhookId(),
							due.endpointId(), describe(result));
				}
				case LOST_LEASE -> log.warn(
						"Webhook {} to endpoint {}: the lease ran out during the attempt ({}); "
								+ "another dispatcher may send it again",
						due.webhookId(), due.endpointId(), describe(result));
			}
		}
		catch (RuntimeException ex) {
			// The database was unreachable: the notification waits out its lease.
			log.warn("Webhook {} to endpoint {}: could not record the attempt: {}", due.webhookId(), due.endpointId(),
					ex.toString());
		}
		finally {
			done(due);
		}
	}

	private void done(WebhookNotifications.Due due) {
		this.inFlight.decrementAndGet();
		this.inFlightByEndpoint.get(due.endpointId()).decrementAndGet();
		wake();
	}

	/**
	 * The schedule's wait after the failed attempt, with up to 20 % jitter; null when
	 * spent.
	 */
	Duration nextWait(int retryStep) {
		List<Duration> schedule = this.settings.retrySchedule();
		if (retryStep >= schedule.size()) {
			return null;
		}
		Duration wait = schedule.get(retryStep);
		long jitter = (long) (wait.toMillis() * 0.2 * ThreadLocalRandom.current().nextDouble());
		return wait.plusMillis(jitter);
	}

	private WebhookNotifications.Result post(WebhookNotifications.Due due) {
		long started = System.nanoTime();
		try {
			URI target = this.policy.parse(due.url());
			this.policy.check(target);
			long timestamp = Instant.now().getEpochSecond();
			HttpRequest request = HttpRequest.newBuilder(target)
				.timeout(this.settings.timeout())
				.header("Content-Type", "application/json")
				.header("User-Agent", "txorders-webhooks/1")
				.header("webhook-id", due.webhookId())
				.header("webhook-timestamp", Long.toString(timestamp))
				.header("webhook-signature",
						WebhookSignatures.header(due.secrets(), due.webhookId(), timestamp, due.payload()))
				.POST(HttpRequest.BodyPublishers.ofByteArray(due.payload()))
				.build();
			CompletableFuture<HttpResponse<String>> sent = this.http.sendAsync(request,
					(info) -> new Excerpt(MAX_ANSWER_BYTES));
			HttpResponse<String> response;
			try {
				response = sent.get(this.settings.timeout().plus(this.settings.connectTimeout()).toMillis(),
						TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				sent.cancel(true);
				return error(started, "no complete answer within " + this.settings.timeout());
			}
			int status = response.statusCode();
			if (status >= 200 && status < 300) {
				return new WebhookNotifications.Result("DELIVERED", status, millis(started), null);
			}
			String error = (status >= 300 && status < 400) ? "redirect to "
					+ response.headers().firstValue("Location").orElse("(no Location)") + " not followed"
					: "answered " + status;
			String body = response.body();
			return new WebhookNotifications.Result("REFUSED", status, millis(started),
					(body == null || body.isBlank()) ? error : error + ": " + excerpt(body));
		}
		catch (TargetPolicy.Refused ex) {
			return error(started, ex.getMessage());
		}
		catch (ExecutionException ex) {
			return error(started, describe(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return error(started, "interrupted: the dispatcher is stopping");
		}
		catch (RuntimeException ex) {
			return error(started, describe(ex));
		}
	}

	private static WebhookNotifications.Result error(long started, String error) {
		return new WebhookNotifications.Result("ERROR", null, millis(started), error);
	}

	private String describe(Throwable cause) {
		if (cause instanceof HttpConnectTimeoutException) {
			return "could not connect within " + this.settings.connectTimeout();
		}
		if (cause instanceof HttpTimeoutException) {
			return "no answer within " + this.settings.timeout();
		}
		if (cause instanceof ConnectException) {
			return "connection refused";
		}
		String message = (cause.getMessage() != null) ? cause.getMessage() : "";
		return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
	}

	private static String describe(WebhookNotifications.Result result) {
		return (result.httpStatus() != null && result.error() == null) ? "answered " + result.httpStatus()
				: result.error();
	}

	private static String excerpt(String body) {
		String oneLine = body.strip().replaceAll("\\s+", " ");
		return (oneLine.length() <= EXCERPT_CHARS) ? oneLine : oneLine.substring(0, EXCERPT_CHARS) + "...";
	}

	private static int millis(long started) {
		return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	/**
	 * The start of an answer's body, at most {@code limit} bytes: the rest is not read
	 * (the subscription is cancelled), so a receiver cannot make the dispatcher read
	 * megabytes.
	 */
	static final class Excerpt implements HttpResponse.BodySubscriber<String> {

		private final int limit;

		private final ByteArrayOutputStream read = new ByteArrayOutputStream();

		private final CompletableFuture<String> body = new CompletableFuture<>();

		private Flow.Subscription subscription;

		Excerpt(int limit) {
			this.limit = limit;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(1);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				int take = Math.min(buffer.remaining(), this.limit - this.read.size());
				byte[] bytes = new byte[take];
				buffer.get(bytes);
				this.read.write(bytes, 0, take);
			}
			if (this.read.size() >= this.limit) {
				this.subscription.cancel();
				complete();
			}
			else {
				this.subscription.request(1);
			}
		}

		@Override
		public void onError(Throwable error) {
			this.body.completeExceptionally(error);
		}

		@Override
		public void onComplete() {
			complete();
		}

		private void complete() {
			this.body.complete(this.read.toString(StandardCharsets.UTF_8));
		}

		@Override
		public java.util.concurrent.CompletionStage<String> getBody() {
			return this.body;
		}

	}

}
