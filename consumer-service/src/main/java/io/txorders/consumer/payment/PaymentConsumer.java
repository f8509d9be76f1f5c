package io.txorders.consumer.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

import io.txorders.consumer.messaging.ConsumerSettings;
import io.txorders.consumer.messaging.OrderCancelled;
import io.txorders.consumer.messaging.OrderConfirmed;
import io.txorders.consumer.messaging.OrderCreated;
import io.txorders.consumer.messaging.PlannedReply;
import io.txorders.consumer.messaging.PlannedReply.PlanChanged;
import io.txorders.consumer.messaging.TryDecided;
import io.txorders.consumer.payment.FundsMapper.Account;
import io.txorders.consumer.payment.FundsMapper.Hold;
import io.txorders.messaging.consume.EffectRows.EffectState;
import io.txorders.messaging.consume.ExactlyOnce;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.Decision;
import io.txorders.messaging.publish.Published;
import io.txorders.messaging.publish.TopicPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Group {@code payment}, a TCC participant. OrderCreated (Try): freeze the order's total
 * in the customer's account with one guarded statement, or record why not, and publish
 * PaymentFrozen or PaymentRejected in the same transaction (half message first).
 * OrderConfirmed (Confirm): capture the frozen total. OrderCancelled (Cancel): unfreeze
 * it, or refund it if it was captured, or remember the cancel if the order has not come.
 * Every movement writes its ledger row with it.
 */
@Component
public class PaymentConsumer {

	private static final Logger log = LoggerFactory.getLogger(PaymentConsumer.class);

	/** How often the account may change between the plan and the locked check. */
	private static final int MAX_PLANS = 3;

	/** The currency of events published before orders carried one. */
	private static final String DEFAULT_CURRENCY = "EUR";

	private final FundsMapper funds;

	private final ExactlyOnce exactlyOnce;

	private final TopicPublisher replies;

	private final PaymentMetrics metrics;

	private final String group;

	PaymentConsumer(FundsMapper funds, ExactlyOnce exactlyOnce, TopicPublisher replies, PaymentMetrics metrics,
			ConsumerSettings settings) {
		this.funds = funds;
		this.exactlyOnce = exactlyOnce;
		this.replies = replies;
		this.metrics = metrics;
		this.group = settings.payment().name();
	}

	/**
	 * Freezes the total or rejects, and replies. As inventory does: the reply's tag is
	 * planned from an unlocked read, and the locked statement must agree with the plan;
	 * otherwise everything rolls back and it is planned again.
	 */
	public Outcome handle(OrderCreated event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		String currency = Objects.requireNonNullElse(event.currency(), DEFAULT_CURRENCY);
		for (int attempt = 1; attempt <= MAX_PLANS; attempt++) {
			Plan plan = decide(this.funds.account(event.userId()), event.total(), currency);
			Published<Outcome> published = replyAndApply(event, currency, plan, message);
			if (!PlannedReply.planAgain(published)) {
				if (published.result() == Outcome.REJECTED) {
					log.info("order {} rejected by payment: {}", orderId, plan.reason());
				}
				return published.result();
			}
			log.info("order {}: payment plan {} no longer holds; planning again", orderId, attempt);
		}
		throw new IllegalStateException("order " + orderId + ": the account kept changing over " + MAX_PLANS
				+ " plans; the broker will redeliver");
	}

	/** Captures the frozen total: it leaves the account. */
	public Outcome handle(OrderConfirmed event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		return this.exactlyOnce.confirmOrder(this.group, orderId, message, () -> capture(orderId));
	}

	/**
	 * Unfreezes the total, or refunds it if the order was confirmed. A cancel that comes
	 * first is remembered: the later OrderCreated is skipped (nothing is frozen).
	 */
	public Outcome handle(OrderCancelled event, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		return this.exactlyOnce.compensateOrder(this.group, orderId, message,
				(EffectState reached) -> undo(orderId, reached));
	}

	private Published<Outcome> replyAndApply(OrderCreated event, String currency, Plan plan, IncomingMessage message) {
		long orderId = event.orderIdAsLong();
		TryDecided reply = new TryDecided(event.orderId(), plan.frozen(), plan.frozen() ? null : plan.reason(),
				Instant.now());
		String tag = plan.frozen() ? TryDecided.PAYMENT_FROZEN : TryDecided.PAYMENT_REJECTED;
		return this.replies.publish(tag, reply.orderId(), reply, (txId) -> {
			Outcome outcome = this.exactlyOnce.applyToOrder(this.group, orderId, message,
					plan.frozen() ? Outcome.APPLIED : Outcome.REJECTED,
					() -> apply(orderId, event.userId(), event.total(), currency, plan));
			if (outcome == Outcome.APPLIED || outcome == Outcome.REJECTED) {
				this.metrics.countAfterCommit(plan.frozen() ? PaymentMetrics.FREEZE : PaymentMetrics.REJECT);
				return Decision.commit(outcome);
			}
			return Decision.rollback(outcome);
		});
	}

	/**
	 * Writes the planned decision, or throws {@link PlanChanged}. A freeze is its own
	 * check (the guarded UPDATE); a rejection is checked against the locked account,
	 * which must still not cover the total.
	 */
	private void apply(long orderId, String customer, BigDecimal amount, String currency, Plan plan) {
		if (!plan.frozen()) {
			// Only the decision must still hold: the reason names amounts another order
			// of the customer may have moved meanwhile, and a rejection stays one.
			if (decide(this.funds.lockAccount(customer), amount, currency).frozen()) {
				throw new PlanChanged("the account");
			}
			this.funds.insertRejection(orderId, customer, plan.reason());
			return;
		}
		if (this.funds.freeze(customer, currency, amount) != 1) {
			throw new PlanChanged("the account");
		}
		this.funds.insertHold(orderId, customer, amount, currency);
		this.funds.insertMovement(customer, "FREEZE", amount, BigDecimal.ZERO, amount, orderId);
	}

	// Holds change only under the order's order_effect lock, held by the callers below.

	private void capture(long orderId) {
		Hold hold = this.funds.hold(orderId);
		if (hold == null) {
			throw new IllegalStateException("order " + orderId + " was confirmed, but payment rejected its Try");
		}
		if (this.funds.capture(hold.customerId(), hold.amount()) != 1) {
			throw new IllegalStateException("account " + hold.customerId() + " has less frozen than order " + orderId
					+ " holds (" + hold.amount() + ")");
		}
		this.funds.moveHold(orderId, "FROZEN", "CAPTURED");
		this.funds.insertMovement(hold.customerId(), "CAPTURE", hold.amount(), hold.amount().negate(),
				hold.amount().negate(), orderId);
		this.metrics.countAfterCommit(PaymentMetrics.CAPTURE);
	}

	private void undo(long orderId, EffectState reached) {
		Hold hold = this.funds.hold(orderId);
		if (hold == null) {
			// The Try was rejected: nothing was frozen.
			return;
		}
		if (reached == EffectState.CONFIRMED) {
			this.funds.refund(hold.customerId(), hold.amount());
			this.funds.moveHold(orderId, "CAPTURED", "REFUNDED");
			this.funds.insertMovement(hold.customerId(), "REFUND", hold.amount(), hold.amount(), BigDecimal.ZERO,
					orderId);
			this.metrics.countAfterCommit(PaymentMetrics.REFUND);
			return;
		}
		if (this.funds.unfreeze(hold.customerId(), hold.amount()) != 1) {
			throw new IllegalStateException("account " + hold.customerId() + " has less frozen than order " + orderId
					+ " holds (" + hold.amount() + ")");
		}
		this.funds.moveHold(orderId, "FROZEN", "RELEASED");
		this.funds.insertMovement(hold.customerId(), "UNFREEZE", hold.amount(), BigDecimal.ZERO, hold.amount().negate(),
				orderId);
		this.metrics.countAfterCommit(PaymentMetrics.UNFREEZE);
	}

	static Plan decide(Account account, BigDecimal amount, String currency) {
		if (account == null) {
			return Plan
				.rejected("insufficient funds: no account (needs " + amount.toPlainString() + " " + currency + ")");
		}
		if (!account.currency().equals(currency)) {
			return Plan.rejected("the account is in " + account.currency() + ", the order in " + currency);
		}
		if (account.available().compareTo(amount) < 0) {
			return Plan.rejected("insufficient funds: " + account.available().toPlainString() + " " + currency
					+ " available, needs " + amount.toPlainString());
		}
		return new Plan(true, null);
	}

	/** Freeze, or reject with a reason. */
	record Plan(boolean frozen, String reason) {

		static Plan rejected(String reason) {
			return new Plan(false, reason);
		}

	}

}
