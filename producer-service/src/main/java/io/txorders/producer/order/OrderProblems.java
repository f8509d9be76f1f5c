package io.txorders.producer.order;

import java.math.BigDecimal;
import java.util.List;

import io.txorders.producer.order.store.OrderStatus;

/**
 * Why an order request was refused; each maps to one HTTP problem response.
 */
public final class OrderProblems {

	private OrderProblems() {
	}

	/**
	 * One refused field of the request, named as the client wrote it
	 * ({@code items[1].sku}).
	 */
	public record FieldProblem(String field, String message) {
	}

	/**
	 * Input that passed the shape checks but names something that does not exist (400).
	 */
	public static class InvalidOrder extends RuntimeException {

		private final List<FieldProblem> problems;

		public InvalidOrder(List<FieldProblem> problems) {
			super(problems.stream().map(p -> p.field() + ": " + p.message()).reduce((a, b) -> a + "; " + b).orElse(""));
			this.problems = problems;
		}

		public List<FieldProblem> problems() {
			return this.problems;
		}

	}

	/**
	 * A line's {@code unitPrice} is not the catalog's price now (409): the customer saw
	 * an old price. Nothing was written; the client shows the new prices and asks again.
	 */
	public static class PriceChanged extends RuntimeException {

		private final List<PriceDifference> differences;

		public PriceChanged(List<PriceDifference> differences) {
			super(differences.stream()
				.map(d -> d.field() + " (" + d.sku() + "): " + d.requested().toPlainString()
						+ " was sent, the price is " + d.current().toPlainString() + " " + d.currency())
				.reduce((a, b) -> a + "; " + b)
				.orElse("") + "; nothing was ordered");
			this.differences = List.copyOf(differences);
		}

		public List<PriceDifference> differences() {
			return this.differences;
		}

	}

	/** One line whose price changed: {@code field} is {@code items[i].unitPrice}. */
	public record PriceDifference(String field, String sku, BigDecimal requested, BigDecimal current, String currency) {
	}

	/** The Idempotency-Key already placed an order from a different request (422). */
	public static class IdempotencyKeyReused extends RuntimeException {

		public IdempotencyKeyReused(String key, long orderId) {
			super("Idempotency-Key '" + key + "' was already used for order " + orderId
					+ " with a different request; use a new key for a new order");
		}

	}

	/**
	 * The request was not carried out (the broker or the database was unavailable), and
	 * sending it again is safe: for an order, with the same Idempotency-Key (503).
	 */
	public static class NothingChanged extends RuntimeException {

		public NothingChanged(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** The local transaction failed for a reason retrying will not fix (500). */
	public static class StoreFailed extends RuntimeException {

		public StoreFailed(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** The order's status does not allow a cancel (409). */
	public static class NotCancellable extends RuntimeException {

		private final OrderStatus status;

		public NotCancellable(long orderId, OrderStatus status) {
			super("order " + orderId + " is " + status + "; only CREATED or CONFIRMED orders can be cancelled");
			this.status = status;
		}

		public OrderStatus status() {
			return this.status;
		}

	}

	/**
	 * The request names another customer than the signed-in one (403): a body's
	 * {@code userId} or a list's filter.
	 */
	public static class NotTheSignedInCustomer extends RuntimeException {

		public NotTheSignedInCustomer(String field, String named) {
			super(field + " '" + named + "' is not the signed-in customer; leave it out, the token names the customer");
		}

	}

	/** No order with this id (404). */
	public static class NotFound extends RuntimeException {

		public NotFound(long orderId) {
			super("no order with id " + orderId);
		}

	}

}
