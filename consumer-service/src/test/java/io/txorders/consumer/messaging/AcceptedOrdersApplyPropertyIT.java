package io.txorders.consumer.messaging;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.txorders.messaging.consume.EventConsumers.Subscription;
import io.txorders.messaging.consume.EventHandler;
import io.txorders.messaging.consume.IncomingMessage;
import io.txorders.messaging.consume.Outcome;
import io.txorders.messaging.publish.TransactionalPublisher.NotPublished;
import io.txorders.testsupport.LocalInfra;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every order the API accepts can be applied by every group, through the whole TCC saga.
 * jqwik generates OrderCreated events within producer-service's order limits, biased to
 * their edges (1 and 50 lines, 1 and 1,000 units, unit prices of 0.01 and the largest a
 * line allows, totals of exactly 10,000,000.00 and just below, SKUs and customer ids of
 * 64 characters), stocks their SKUs in the real consumer database, mostly with enough
 * units, sometimes with too few, and funds the customer's account with the total and
 * more, exactly the total (beside another order's hold or not), or a cent too little.
 * <p>
 * Each order goes through each group's handlers as its listener calls them (JSON body
 * read into the event, the kit's dedupe and effect rows, the Try replies published
 * through the real broker): the Try (OrderCreated) in {@code inventory} and
 * {@code payment}, then what the coordinator would decide: the Confirm (OrderConfirmed,
 * in all three groups) when both reserved, perhaps followed by the customer's cancel
 * (refund, restock, debit); otherwise, or when the case says so, the Cancel
 * (OrderCancelled) after the Try; or the Cancel before the Try (an empty rollback) and
 * the late Try skipped. Every message is delivered again. After each step the rows are
 * exactly what the step must leave, the account equals its ledger and its frozen its open
 * holds, and a redelivery changes nothing.
 * <p>
 * jqwik has no Spring extension: the service is the Spring test context the Jupiter tests
 * share, looked up through Spring's {@link TestContextManager}.
 */
@ConsumerServiceTest
class AcceptedOrdersApplyPropertyIT {

	// producer-service's OrderLimits (io.txorders.producer.order.place), copied here
	// because consumer-service does not depend on producer-service; the example
	// theseAreTheLimitsOfProducerService fails when the two differ. What each protects in
	// this service is checked by everyLimitFitsWhatTheConsumersHold.

	/** OrderLimits.MAX_LINES: lines per order, each SKU once. */
	static final int MAX_LINES = 50;

	/** OrderLimits.MAX_QUANTITY: units per line. */
	static final int MAX_QUANTITY = 1000;

	/** OrderLimits.MAX_LINE_TOTAL: quantity times the catalog's unit price. */
	static final BigDecimal MAX_LINE_TOTAL = new BigDecimal("1000000.00");

	/** OrderLimits.MAX_ORDER_TOTAL: the sum of the lines. */
	static final BigDecimal MAX_ORDER_TOTAL = new BigDecimal("10000000.00");

	/**
	 * The smallest unit price (the catalog's DECIMAL(12, 2) price is positive); the
	 * largest follows from MAX_LINE_TOTAL at one unit.
	 */
	static final long MIN_UNIT_PRICE_CENTS = 1;

	/** SKUs and customer ids: at most 64 characters (the API and the catalog). */
	static final int MAX_ID_LENGTH = 64;

	private static final long MAX_LINE_CENTS = cents(MAX_LINE_TOTAL);

	private static final long MAX_ORDER_CENTS = cents(MAX_ORDER_TOTAL);

	/** The largest total an order can reach: MAX_ORDER_TOTAL, if 50 lines reach it. */
	private static final long LARGEST_TOTAL_CENTS = Math.min(MAX_ORDER_CENTS, MAX_LINES * MAX_LINE_CENTS);

	/**
	 * The most an account holds here: an order's total and as much again, available
	 * beyond it or frozen for another order. everyLimitFitsWhatTheConsumersHold checks
	 * that the account columns hold it.
	 */
	private static final long MOST_FUNDED_CENTS = 2 * LARGEST_TOTAL_CENTS;

	private static final String USER_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-";

	private static final AtomicLong NEXT_ORDER_ID = new AtomicLong(System.currentTimeMillis() * 1000);

	private static final AtomicInteger TRY = new AtomicInteger();

	/** Tells this run's SKUs from those of earlier runs and other tests. */
	private static final String RUN = Long.toString(System.nanoTime() % 1_679_616 + 1_679_616, 36).substring(1);

	private static final Logger log = LoggerFactory.getLogger(AcceptedOrdersApplyPropertyIT.class);

	private static JdbcTemplate jdbc;

	private static ConsumerFixtures fixtures;

	private static JsonMapper json;

	private static Map<String, EventHandler<?>> inventory;

	private static Map<String, EventHandler<?>> payment;

	private static Map<String, EventHandler<?>> points;

	@BeforeContainer
	static void useTheServiceTheOtherTestsUse() {
		ApplicationContext context = new TestContextManager(AcceptedOrdersApplyPropertyIT.class).getTestContext()
			.getApplicationContext();
		jdbc = context.getBean(JdbcTemplate.class);
		fixtures = new ConsumerFixtures(jdbc);
		json = context.getBean(JsonMapper.class);
		ConsumerSettings settings = context.getBean(ConsumerSettings.class);
		Map<String, Map<String, EventHandler<?>>> groups = context.getBeansOfType(Subscription.class)
			.values()
			.stream()
			.collect(Collectors.toMap(Subscription::group, Subscription::handlers));
		inventory = groups.get(settings.inventory().name());
		payment = groups.get(settings.payment().name());
		points = groups.get(settings.points().name());
		assertThat(inventory).as("the inventory group's handlers")
			.containsOnlyKeys(OrderCreated.TAG, OrderConfirmed.TAG, OrderCancelled.TAG);
		assertThat(payment).as("the payment group's handlers")
			.containsOnlyKeys(OrderCreated.TAG, OrderConfirmed.TAG, OrderCancelled.TAG);
		assertThat(points).as("the points group's handlers").containsOnlyKeys(OrderConfirmed.TAG, OrderCancelled.TAG);
	}

	@Property(tries = 150, shrinking = ShrinkingMode.OFF)
	void everyAcceptedOrderIsAppliedByEveryGroup(@ForAll("acceptedOrders") Case order) {
		String path = new Saga(order).run();
		// How near the edges the tries came, in the report jqwik prints.
		List<Line> lines = order.shape().lines();
		long total = order.shape().totalCents();
		Statistics.label("lines").collect((lines.size() == 1) ? "1" : (lines.size() == MAX_LINES) ? "50" : "2 to 49");
		Statistics.label("total")
			.collect((total == LARGEST_TOTAL_CENTS) ? "the largest" : (total == LARGEST_TOTAL_CENTS - 1)
					? "one cent below" : (total >= LARGEST_TOTAL_CENTS - 100_000) ? "within 1,000.00 below" : "less");
		Statistics.label("a line of 1,000 units").collect(lines.stream().anyMatch(l -> l.quantity() == MAX_QUANTITY));
		Statistics.label("a line at 0.01").collect(lines.stream().anyMatch(l -> l.unitCents() == MIN_UNIT_PRICE_CENTS));
		Statistics.label("a line total at the limit")
			.collect(lines.stream().anyMatch(l -> l.totalCents() == MAX_LINE_CENTS));
		Statistics.label("a unit price at the largest its quantity allows")
			.collect(lines.stream().anyMatch(l -> l.unitCents() == MAX_LINE_CENTS / l.quantity()));
		Statistics.label("stock").collect(order.stock());
		Statistics.label("funds").collect(order.funds());
		Statistics.label("the saga").collect(path);
		Statistics.label("SKUs").collect(order.skus());
	}

	/** The corners the random orders may miss, each once. */
	@Property(generation = GenerationMode.EXHAUSTIVE, shrinking = ShrinkingMode.OFF)
	void theLimitsThemselvesAreAppliedByEveryGroup(@ForAll("corners") Case order) {
		new Saga(order).run();
	}

	/**
	 * What each limit protects in consumer-service. Raise a limit past what a consumer
	 * holds and this fails (and so does the property, at the new edge).
	 */
	@Example
	void everyLimitFitsWhatTheConsumersHold() {
		// MAX_ORDER_TOTAL: PointsConsumer credits floor(total) as an int (intValueExact
		// throws past Integer.MAX_VALUE) into points_ledger.points, and debits its
		// negation into the same column.
		long maxPoints = MAX_ORDER_TOTAL.setScale(0, RoundingMode.DOWN).longValueExact();
		assertThat(maxPoints).as("points for MAX_ORDER_TOTAL fit an int").isLessThanOrEqualTo(Integer.MAX_VALUE);
		assertThat(maxPoints).as("points_ledger.points").isLessThanOrEqualTo(largestInteger("points_ledger", "points"));
		// MAX_ORDER_TOTAL is money payment moves: frozen into a hold, each movement of it
		// a ledger row (its amount, and the change to balance and frozen, negative for a
		// capture), all DECIMAL columns of cents. The largest total fits each exactly.
		BigDecimal largestTotal = BigDecimal.valueOf(LARGEST_TOTAL_CENTS, 2);
		for (String[] column : new String[][] { { "payment_hold", "amount" }, { "account_ledger", "amount" },
				{ "account_ledger", "balance_change" }, { "account_ledger", "frozen_change" } }) {
			assertThat(scale(column[0], column[1])).as(column[0] + "." + column[1] + " keeps cents").isEqualTo(2);
			assertThat(largestDecimal(column[0], column[1])).as(column[0] + "." + column[1])
				.isGreaterThanOrEqualTo(largestTotal);
		}
		// The account's balance and frozen hold the worst case: the largest total and
		// as much again (available beyond it, or frozen for another order), captured and
		// refunded. A refund only gives back what a capture took, so no step here goes
		// above what was funded. (How much one account may hold is the deposits' bound,
		// not the orders': the columns hold this many largest orders frozen at once.)
		BigDecimal mostFunded = BigDecimal.valueOf(MOST_FUNDED_CENTS, 2);
		for (String column : new String[] { "balance", "frozen" }) {
			assertThat(scale("account", column)).as("account." + column + " keeps cents").isEqualTo(2);
			assertThat(largestDecimal("account", column)).as("account." + column).isGreaterThanOrEqualTo(mostFunded);
		}
		assertThat(largestDecimal("account", "balance").divideToIntegralValue(largestTotal).longValueExact())
			.as("largest orders one account can hold frozen")
			.isGreaterThanOrEqualTo(2);
		// payment_rejection.reason names what was available and needed: the longest of
		// them fits.
		String longestReason = "insufficient funds: " + largestDecimal("account", "balance").toPlainString()
				+ " EUR available, needs " + largestTotal.toPlainString();
		assertThat(longestText("payment_rejection", "reason")).isGreaterThanOrEqualTo(longestReason.length());
		// MAX_QUANTITY: one line is one SKU (no SKU twice), so one order reserves at most
		// MAX_QUANTITY units of a SKU, as an int in InventoryConsumer and StockMapper and
		// into reservation.quantity; stock.reserved grows by as much, and so does
		// stock.sold when the order is confirmed.
		assertThat((long) MAX_QUANTITY).as("reservation.quantity")
			.isLessThanOrEqualTo(largestInteger("reservation", "quantity"));
		assertThat((long) MAX_QUANTITY).as("stock.reserved").isLessThanOrEqualTo(largestInteger("stock", "reserved"));
		assertThat((long) MAX_QUANTITY).as("stock.sold").isLessThanOrEqualTo(largestInteger("stock", "sold"));
		// Even a SKU repeated on every line, summed by InventoryConsumer, stays an int.
		assertThat((long) MAX_LINES * MAX_QUANTITY).isLessThanOrEqualTo(Integer.MAX_VALUE);
		// MAX_LINES: the rejection's reason names every short SKU and is cut to what
		// inventory_rejection.reason holds; one SKU of the longest must fit it whole.
		assertThat(longestText("inventory_rejection", "reason")).isGreaterThan(MAX_ID_LENGTH + 40);
		// Ids as long as the API allows fit the columns they are written to.
		assertThat(longestText("stock", "sku")).isGreaterThanOrEqualTo(MAX_ID_LENGTH);
		assertThat(longestText("reservation", "sku")).isGreaterThanOrEqualTo(MAX_ID_LENGTH);
		assertThat(longestText("points_ledger", "user_id")).isGreaterThanOrEqualTo(MAX_ID_LENGTH);
		for (String table : new String[] { "account", "payment_hold", "payment_rejection", "account_ledger" }) {
			assertThat(longestText(table, "customer_id")).as(table + ".customer_id")
				.isGreaterThanOrEqualTo(MAX_ID_LENGTH);
		}
		// A line is never above its order.
		assertThat(MAX_LINE_TOTAL).isLessThanOrEqualTo(MAX_ORDER_TOTAL);
	}

	/**
	 * The copy above is producer-service's OrderLimits, read from its source when the
	 * whole repository is checked out.
	 */
	@Example
	void theseAreTheLimitsOfProducerService() throws IOException {
		Path source = LocalInfra.repositoryRoot()
			.resolve("producer-service/src/main/java/io/txorders/producer/order/place/OrderLimits.java");
		Assume.that(Files.isRegularFile(source));
		Matcher constant = Pattern.compile("static final \\w+ (\\w+) = (?:new BigDecimal\\(\")?([0-9_.]+)")
			.matcher(Files.readString(source));
		Map<String, String> limits = new TreeMap<>();
		while (constant.find()) {
			limits.put(constant.group(1), constant.group(2).replace("_", ""));
		}
		assertThat(limits).as("OrderLimits; update the copy in this test (and check what it protects)")
			.containsExactlyInAnyOrderEntriesOf(Map.of("MAX_LINES", Integer.toString(MAX_LINES), "MAX_QUANTITY",
					Integer.toString(MAX_QUANTITY), "MAX_LINE_TOTAL", MAX_LINE_TOTAL.toPlainString(), "MAX_ORDER_TOTAL",
					MAX_ORDER_TOTAL.toPlainString()));
	}

	// Generators

	@Provide
	Arbitrary<Case> acceptedOrders() {
		Arbitrary<Shape> shapes = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.randomValue(Shapes::ordinary)),
				Tuple.of(5, Arbitraries.randomValue(Shapes::withinBudget)),
				Tuple.of(3, Arbitraries.randomValue(random -> Shapes.totalling(random, LARGEST_TOTAL_CENTS))),
				Tuple.of(2, Arbitraries.randomValue(random -> Shapes.totalling(random, LARGEST_TOTAL_CENTS - 1))),
				Tuple.of(1, Arbitraries.randomValue(
						random -> Shapes.totalling(random, LARGEST_TOTAL_CENTS - 1 - random.nextInt(100_000)))));
		Arbitrary<Stock> stock = Arbitraries.frequency(Tuple.of(10, Stock.ENOUGH), Tuple.of(2, Stock.LAST_UNITS),
				Tuple.of(2, Stock.ONE_LINE_SHORT), Tuple.of(1, Stock.ONE_LINE_NOT_STOCKED),
				Tuple.of(1, Stock.EVERY_LINE_SHORT));
		Arbitrary<Funds> funds = Arbitraries.frequency(Tuple.of(5, Funds.BEYOND), Tuple.of(2, Funds.EXACT),
				Tuple.of(2, Funds.EXACT_BESIDE_A_HOLD), Tuple.of(1, Funds.EXACT_BESIDE_THE_LARGEST_HOLD),
				Tuple.of(2, Funds.SHORT_BY_A_CENT), Tuple.of(1, Funds.SHORT_BESIDE_A_HOLD));
		Arbitrary<Ending> ending = Arbitraries.frequency(Tuple.of(4, Ending.CONFIRM),
				Tuple.of(3, Ending.CONFIRM_THEN_CANCEL), Tuple.of(2, Ending.CANCEL), Tuple.of(1, Ending.CANCEL_FIRST));
		Arbitrary<SkuStyle> skus = Arbitraries.of(SkuStyle.values());
		Arbitrary<String> users = Arbitraries.oneOf(Arbitraries.strings().withChars(USER_ID_CHARS).ofLength(1),
				Arbitraries.strings().withChars(USER_ID_CHARS).ofLength(MAX_ID_LENGTH),
				Arbitraries.strings().withChars(USER_ID_CHARS).ofMinLength(1).ofMaxLength(MAX_ID_LENGTH));
		return Combinators.combine(shapes, stock, funds, ending, skus, users).as(Case::new);
	}

	@Provide
	Arbitrary<Case> corners() {
		return Arbitraries.of(Corners.all());
	}

	/**
	 * An order's lines as the API prices them: each quantity at its unit price, in cents.
	 */
	record Line(int quantity, long unitCents) {

		long totalCents() {
			return this.quantity * this.unitCents;
		}

	}

	record Shape(String name, List<Line> lines) {

		long totalCents() {
			return this.lines.stream().mapToLong(Line::totalCents).sum();
		}

		@Override
		public String toString() {
			return this.name + ": " + this.lines.size() + " lines, total " + money(totalCents()) + " "
					+ this.lines.stream().map(line -> line.quantity() + "x" + money(line.unitCents())).toList();
		}

	}

	/** How the order's SKUs are stocked before it comes. */
	enum Stock {

		/** Every line has more units than it needs. */
		ENOUGH,
		/** Every line has exactly the units it needs: the order takes the last ones. */
		LAST_UNITS,
		/** One line has one unit too few. */
		ONE_LINE_SHORT,
		/** One line's SKU has no stock row. */
		ONE_LINE_NOT_STOCKED,
		/** Every line is short: the longest rejection reasons. */
		EVERY_LINE_SHORT;

		boolean reserves() {
			return this == ENOUGH || this == LAST_UNITS;
		}

	}

	/**
	 * The customer's account before the order comes: what is available (balance less
	 * frozen) against the order's total.
	 */
	enum Funds {

		/** The total and more: up to the largest total more. */
		BEYOND,
		/** Exactly the total: the Try's guard at its edge. */
		EXACT,
		/** Exactly the total, more of the balance frozen for another order. */
		EXACT_BESIDE_A_HOLD,
		/**
		 * Exactly the total, the largest total frozen for another order: the most an
		 * account holds here.
		 */
		EXACT_BESIDE_THE_LARGEST_HOLD,
		/** A cent short (an empty account for an order of 0.01): PaymentRejected. */
		SHORT_BY_A_CENT,
		/**
		 * A cent short of the total once another order's hold is set aside, though the
		 * balance alone would cover it: PaymentRejected.
		 */
		SHORT_BESIDE_A_HOLD;

		boolean freezes() {
			return this != SHORT_BY_A_CENT && this != SHORT_BESIDE_A_HOLD;
		}

	}

	/**
	 * What the coordinator decides after the Try. An order a Try rejected is always
	 * cancelled (the coordinator never confirms it), whatever the case says.
	 */
	enum Ending {

		/** OrderConfirmed: payment captures, inventory sells, points are credited. */
		CONFIRM,
		/**
		 * OrderConfirmed, then the customer cancels the confirmed order: refunded,
		 * restocked, points debited.
		 */
		CONFIRM_THEN_CANCEL,
		/**
		 * OrderCancelled after the Try (a timeout, or the customer): unfrozen, released.
		 */
		CANCEL,
		/**
		 * OrderCancelled before OrderCreated (an empty rollback): every group skips the
		 * late Try.
		 */
		CANCEL_FIRST

	}

	/** How the SKUs look: unique per line and try, as long as the style says. */
	enum SkuStyle {

		/** ASCII, 13 characters. */
		SHORT,
		/** ASCII, 64 characters. */
		LONGEST_ASCII,
		/** 64 UTF-16 units, accented, CJK and emoji characters among them. */
		LONGEST_UNICODE,
		/** 40 UTF-16 units, emoji after the first 13. */
		EMOJI

	}

	record Case(Shape shape, Stock stock, Funds funds, Ending ending, SkuStyle skus, String userId) {

		@Override
		public String toString() {
			return this.shape + ", stock " + this.stock + ", funds " + this.funds + ", " + this.ending + ", SKUs "
					+ this.skus + ", user " + this.userId.length() + " chars";
		}

	}

	/** Orders the API accepts, each within every limit by construction. */
	static final class Shapes {

		/** Like most orders: a few lines, a few units, everyday prices. */
		static Shape ordinary(Random random) {
			List<Line> lines = new ArrayList<>();
			int count = 1 + random.nextInt(5);
			for (int i = 0; i < count; i++) {
				lines.add(new Line(1 + random.nextInt(10), 100 + random.nextInt(20_000)));
			}
			return new Shape("ordinary", lines);
		}

		/**
		 * 1 to 50 lines, each quantity 1, 1,000 or between, each price 0.01, the largest
		 * the line and the order's remaining budget allow, or between.
		 */
		static Shape withinBudget(Random random) {
			int count = lineCount(random, 1);
			long budget = MAX_ORDER_CENTS;
			List<Line> lines = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				// Enough left for every later line at MAX_QUANTITY x 0.01.
				long lineBudget = budget - (long) (count - i - 1) * MAX_QUANTITY * MIN_UNIT_PRICE_CENTS;
				int quantity = (int) Math.min(edgy(random, 1, MAX_QUANTITY), lineBudget);
				long largest = Math.min(MAX_LINE_CENTS, lineBudget) / quantity;
				long unitCents = edgy(random, MIN_UNIT_PRICE_CENTS, largest);
				lines.add(new Line(quantity, unitCents));
				budget -= quantity * unitCents;
			}
			Collections.shuffle(lines, random);
			return new Shape("within budget", lines);
		}

		/**
		 * Lines that add up to exactly {@code totalCents}: at least as many lines as
		 * MAX_LINE_TOTAL requires, each line's total split into a quantity that divides
		 * it and a unit price.
		 */
		static Shape totalling(Random random, long totalCents) {
			int fewest = (int) ((totalCents + MAX_LINE_CENTS - 1) / MAX_LINE_CENTS);
			int count = lineCount(random, fewest);
			long left = totalCents;
			List<Line> lines = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				int after = count - i - 1;
				long lineCents = edgy(random, Math.max(1, left - after * MAX_LINE_CENTS),
						Math.min(MAX_LINE_CENTS, left - after));
				int quantity = quantityDividing(random, lineCents);
				lines.add(new Line(quantity, lineCents / quantity));
				left -= lineCents;
			}
			Collections.shuffle(lines, random);
			return new Shape("total " + money(totalCents), lines);
		}

		/** 1 or 50 lines as often as any count between. */
		private static int lineCount(Random random, int fewest) {
			return (int) edgy(random, fewest, MAX_LINES);
		}

		/** The bounds a quarter of the time each, otherwise uniform between. */
		private static long edgy(Random random, long least, long most) {
			int pick = random.nextInt(4);
			if (pick == 0 || least == most) {
				return least;
			}
			if (pick == 1) {
				return most;
			}
			return least + (long) (random.nextDouble() * (most - least + 1));
		}

		/** 1, the largest quantity allowed that divides the line total, or another. */
		private static int quantityDividing(Random random, long lineCents) {
			List<Integer> divisors = new ArrayList<>();
			for (int quantity = 1; quantity <= MAX_QUANTITY; quantity++) {
				if (lineCents % quantity == 0) {
					divisors.add(quantity);
				}
			}
			return switch (random.nextInt(3)) {
				case 0 -> 1;
				case 1 -> divisors.get(divisors.size() - 1);
				default -> divisors.get(random.nextInt(divisors.size()));
			};
		}

	}

	/** Orders at the limits themselves. */
	static final class Corners {

		/** The corner whose rejection reason is cut inside a character. */
		static final String CUT_INSIDE_A_CHARACTER = "50 short lines, the reason cut inside a character";

		static Case[] all() {
			long maxAtMaxQuantity = MAX_LINE_CENTS / MAX_QUANTITY;
			int fewest = (int) ((LARGEST_TOTAL_CENTS + MAX_LINE_CENTS - 1) / MAX_LINE_CENTS);
			String longestUser = "u".repeat(MAX_ID_LENGTH);
			// SKUs of 40 UTF-16 units, 13 ASCII then emoji, the first line of 10 units:
			// the reason's cut after 255 units falls between the two halves of an emoji.
			List<Line> cutInside = new ArrayList<>(Collections.nCopies(MAX_LINES, new Line(1, 100)));
			cutInside.set(0, new Line(10, 100));
			return new Case[] {
					new Case(shape("smallest order", new Line(1, MIN_UNIT_PRICE_CENTS)), Stock.ENOUGH, Funds.EXACT,
							Ending.CONFIRM_THEN_CANCEL, SkuStyle.SHORT, "u"),
					new Case(shape("smallest order, an empty account", new Line(1, MIN_UNIT_PRICE_CENTS)), Stock.ENOUGH,
							Funds.SHORT_BY_A_CENT, Ending.CONFIRM, SkuStyle.SHORT, "v"),
					new Case(shape("largest unit price", new Line(1, MAX_LINE_CENTS)), Stock.LAST_UNITS, Funds.EXACT,
							Ending.CONFIRM_THEN_CANCEL, SkuStyle.LONGEST_ASCII, longestUser),
					new Case(shape("largest line", new Line(MAX_QUANTITY, maxAtMaxQuantity)), Stock.ENOUGH,
							Funds.BEYOND, Ending.CONFIRM, SkuStyle.SHORT, "u-line"),
					new Case(shape("3 units at the largest price", new Line(3, MAX_LINE_CENTS / 3)), Stock.ENOUGH,
							Funds.SHORT_BESIDE_A_HOLD, Ending.CONFIRM, SkuStyle.SHORT, "u-thirds"),
					new Case(
							new Shape("50 lines of 1,000 units at 0.01",
									Collections.nCopies(MAX_LINES, new Line(MAX_QUANTITY, MIN_UNIT_PRICE_CENTS))),
							Stock.LAST_UNITS, Funds.EXACT_BESIDE_A_HOLD, Ending.CONFIRM_THEN_CANCEL,
							SkuStyle.LONGEST_UNICODE, longestUser),
					new Case(toTotal("the largest total in the fewest lines", LARGEST_TOTAL_CENTS, fewest),
							Stock.ENOUGH, Funds.EXACT_BESIDE_THE_LARGEST_HOLD, Ending.CONFIRM_THEN_CANCEL,
							SkuStyle.SHORT, "u-max"),
					new Case(toTotal("the largest total in 50 lines", LARGEST_TOTAL_CENTS, MAX_LINES), Stock.ENOUGH,
							Funds.BEYOND, Ending.CONFIRM, SkuStyle.LONGEST_ASCII, longestUser),
					new Case(toTotal("one cent below the largest total", LARGEST_TOTAL_CENTS - 1, fewest), Stock.ENOUGH,
							Funds.SHORT_BY_A_CENT, Ending.CONFIRM, SkuStyle.SHORT, "u-below"),
					new Case(toTotal("the largest total, rejected", LARGEST_TOTAL_CENTS, fewest), Stock.ONE_LINE_SHORT,
							Funds.EXACT, Ending.CONFIRM, SkuStyle.SHORT, "u-max-rejected"),
					new Case(toTotal("the largest total, cancelled after its Try", LARGEST_TOTAL_CENTS, fewest),
							Stock.LAST_UNITS, Funds.EXACT_BESIDE_THE_LARGEST_HOLD, Ending.CANCEL, SkuStyle.SHORT,
							"u-max-cancelled"),
					new Case(toTotal("the largest total, cancelled first", LARGEST_TOTAL_CENTS, fewest), Stock.ENOUGH,
							Funds.EXACT, Ending.CANCEL_FIRST, SkuStyle.SHORT, "u-max-first"),
					new Case(
							new Shape("50 short lines of the longest SKUs",
									Collections.nCopies(MAX_LINES, new Line(MAX_QUANTITY, MIN_UNIT_PRICE_CENTS))),
							Stock.EVERY_LINE_SHORT, Funds.SHORT_BY_A_CENT, Ending.CONFIRM_THEN_CANCEL,
							SkuStyle.LONGEST_UNICODE, longestUser),
					new Case(new Shape(CUT_INSIDE_A_CHARACTER, cutInside), Stock.EVERY_LINE_SHORT, Funds.BEYOND,
							Ending.CONFIRM, SkuStyle.EMOJI, "u-cut") };
		}

		private static Shape shape(String name, Line line) {
			return new Shape(name, List.of(line));
		}

		/**
		 * {@code count} lines that add up to {@code totalCents}: the first ones as large
		 * as a line may be, the rest 0.01, each line at the most units that divide it.
		 */
		private static Shape toTotal(String name, long totalCents, int count) {
			List<Line> lines = new ArrayList<>();
			long left = totalCents;
			for (int i = 0; i < count; i++) {
				long lineCents = Math.min(MAX_LINE_CENTS, left - (count - i - 1));
				int quantity = MAX_QUANTITY;
				while (lineCents % quantity != 0) {
					quantity--;
				}
				lines.add(new Line(quantity, lineCents / quantity));
				left -= lineCents;
			}
			return new Shape(name, lines);
		}

	}

	// One try: the order through the saga, checked after every step

	private static final class Saga {

		private final Case order;

		private final long orderId = NEXT_ORDER_ID.incrementAndGet();

		private final String key = Long.toString(this.orderId);

		/** Every SKU of this try starts with it; nothing else does. */
		private final String skuPrefix;

		private final List<String> skus = new ArrayList<>();

		private final String customer;

		private final OrderCreated created;

		private final OrderConfirmed confirmed;

		private final OrderCancelled cancelled;

		/** Units needed per SKU, and the short ones' reasons in the reply's wording. */
		private final Map<String, Integer> needed = new TreeMap<>();

		private final Map<String, String> shortages = new TreeMap<>();

		/** What consumed_message must hold for the order so far. */
		private final List<String> consumed = new ArrayList<>();

		Saga(Case order) {
			this.order = order;
			this.customer = order.userId();
			this.skuPrefix = "P" + RUN
					+ String.format("%5s", Integer.toString(TRY.incrementAndGet(), 36)).replace(' ', '0') + "-";
			List<OrderCreated.Line> lines = new ArrayList<>();
			List<Line> shape = order.shape().lines();
			for (int i = 0; i < shape.size(); i++) {
				String sku = sku(this.skuPrefix + String.format("%02d", i), order.skus());
				this.skus.add(sku);
				this.needed.put(sku, shape.get(i).quantity());
				lines.add(new OrderCreated.Line(sku, shape.get(i).quantity(),
						BigDecimal.valueOf(shape.get(i).unitCents(), 2)));
			}
			BigDecimal total = BigDecimal.valueOf(order.shape().totalCents(), 2);
			this.created = new OrderCreated(this.key, this.customer, lines, total, "EUR", Instant.now());
			this.confirmed = new OrderConfirmed(this.key, this.customer, total, "EUR", Instant.now());
			this.cancelled = new OrderCancelled(this.key, this.customer, "USER_CANCELLED", Instant.now());
		}

		/** Runs the saga the case describes; returns the path it took. */
		String run() {
			acceptedByTheApi(this.order.shape());
			Random random = new Random(this.orderId);
			Map<String, StockRow> stocked = stock(random);
			AccountRow funded = fund(random);
			Rows before = rows();
			assertThat(before.account()).as("the account funded").isEqualTo(funded);
			assertThat(before.agrees()).as("the account agrees with its ledger and holds").isTrue();

			if (this.order.ending() == Ending.CANCEL_FIRST) {
				cancelFirst(before);
				return "cancelled first";
			}
			Rows tried = tryBoth(before, stocked, funded);
			boolean reserves = this.order.stock().reserves();
			boolean freezes = this.order.funds().freezes();
			if (reserves && freezes && this.order.ending() != Ending.CANCEL) {
				Rows confirmedRows = confirm(tried, stocked, funded);
				if (this.order.ending() == Ending.CONFIRM) {
					return "confirmed";
				}
				cancelConfirmed(before, confirmedRows, funded);
				return "confirmed, then cancelled";
			}
			cancelTried(before, tried, funded);
			return (reserves && freezes) ? "both reserved, cancelled"
					: (reserves ? "payment" : freezes ? "inventory" : "both") + " rejected, cancelled";
		}

		/**
		 * The Try in inventory and payment: stock reserved or the rejection recorded, the
		 * total frozen or the rejection recorded; each replied through the broker.
		 */
		private Rows tryBoth(Rows before, Map<String, StockRow> stocked, AccountRow funded) {
			Message message = new Message(OrderCreated.TAG, this.created);
			boolean reserves = this.order.stock().reserves();
			boolean freezes = this.order.funds().freezes();
			Outcome reserved = reserves ? Outcome.APPLIED : Outcome.REJECTED;
			Outcome frozen = freezes ? Outcome.APPLIED : Outcome.REJECTED;
			deliver(message, Group.INVENTORY, reserved);
			deliver(message, Group.PAYMENT, frozen);
			Rows tried = rows();
			if (reserves) {
				assertThat(tried.stock()).as("each line's units moved from available to reserved")
					.isEqualTo(reserved(stocked));
				assertThat(tried.reservations()).isEqualTo(reservations("RESERVED"));
				assertThat(tried.inventoryRejections()).isEmpty();
			}
			else {
				assertThat(tried.stock()).as("a rejected order leaves the stock alone").isEqualTo(before.stock());
				assertThat(tried.reservations()).isEmpty();
				assertThat(tried.inventoryRejections()).singleElement().satisfies(this::isTheReason);
			}
			if (freezes) {
				assertThat(tried.holds()).containsExactly(hold("FROZEN"));
				assertThat(tried.paymentRejections()).isEmpty();
				assertThat(tried.ledger()).containsExactly(movement("FREEZE", 0, 1));
				assertThat(tried.account()).as("the total frozen once").isEqualTo(funded.plus(0, totalCents()));
			}
			else {
				assertThat(tried.holds()).isEmpty();
				assertThat(tried.paymentRejections()).containsExactly("insufficient funds: "
						+ money(funded.availableCents()) + " EUR available, needs " + money(totalCents()));
				assertThat(tried.ledger()).isEmpty();
				assertThat(tried.account()).as("a rejected order leaves the account alone").isEqualTo(funded);
			}
			assertThat(tried.agrees()).as("the account agrees with its ledger and holds").isTrue();
			assertThat(tried.points()).as("points wait for the Confirm").isEmpty();
			assertThat(tried.effects()).containsExactly("inventory APPLIED", "payment APPLIED");
			assertThat(tried.consumed()).isEqualTo(consumed());

			Message redelivered = message.again();
			deliver(redelivered, Group.INVENTORY, Outcome.DUPLICATE);
			deliver(redelivered, Group.PAYMENT, Outcome.DUPLICATE);
			assertThat(rows()).as("a redelivered Try applies nothing").isEqualTo(tried);
			return tried;
		}

		/**
		 * The Confirm, both Tries having reserved: the frozen total captured, the
		 * reservation sold, floor(total) points credited.
		 */
		private Rows confirm(Rows tried, Map<String, StockRow> stocked, AccountRow funded) {
			Message message = new Message(OrderConfirmed.TAG, this.confirmed);
			deliver(message, Group.INVENTORY, Outcome.APPLIED);
			deliver(message, Group.PAYMENT, Outcome.APPLIED);
			deliver(message, Group.POINTS, Outcome.APPLIED);
			Rows confirmedRows = rows();
			assertThat(confirmedRows.stock()).as("each line's reserved units sold").isEqualTo(sold(stocked));
			assertThat(confirmedRows.reservations()).isEqualTo(reservations("SOLD"));
			assertThat(confirmedRows.inventoryRejections()).isEmpty();
			assertThat(confirmedRows.holds()).containsExactly(hold("CAPTURED"));
			assertThat(confirmedRows.paymentRejections()).isEmpty();
			assertThat(confirmedRows.ledger()).containsExactly(movement("FREEZE", 0, 1), movement("CAPTURE", -1, -1));
			assertThat(confirmedRows.account()).as("the total captured once").isEqualTo(funded.plus(-totalCents(), 0));
			assertThat(confirmedRows.agrees()).as("the account agrees with its ledger and holds").isTrue();
			assertThat(confirmedRows.points()).as("floor(total) credited once").containsExactly(points("CREDIT", 1));
			assertThat(confirmedRows.effects()).containsExactly("inventory CONFIRMED", "payment CONFIRMED",
					"points APPLIED");
			assertThat(confirmedRows.consumed()).isEqualTo(consumed());

			Message redelivered = message.again();
			deliver(redelivered, Group.INVENTORY, Outcome.DUPLICATE);
			deliver(redelivered, Group.PAYMENT, Outcome.DUPLICATE);
			deliver(redelivered, Group.POINTS, Outcome.DUPLICATE);
			assertThat(rows()).as("a redelivered Confirm applies nothing").isEqualTo(confirmedRows);
			return confirmedRows;
		}

		/** The customer cancels the confirmed order: refunded, restocked, debited. */
		private void cancelConfirmed(Rows before, Rows confirmedRows, AccountRow funded) {
			Message message = new Message(OrderCancelled.TAG, this.cancelled);
			deliver(message, Group.INVENTORY, Outcome.APPLIED);
			deliver(message, Group.PAYMENT, Outcome.APPLIED);
			deliver(message, Group.POINTS, Outcome.APPLIED);
			Rows compensated = rows();
			assertThat(compensated.stock()).as("the sold units restocked").isEqualTo(before.stock());
			assertThat(compensated.reservations()).isEqualTo(reservations("RESTOCKED"));
			assertThat(compensated.holds()).containsExactly(hold("REFUNDED"));
			assertThat(compensated.ledger()).containsExactly(movement("FREEZE", 0, 1), movement("CAPTURE", -1, -1),
					movement("REFUND", 1, 0));
			assertThat(compensated.account()).as("the total refunded once").isEqualTo(funded);
			assertThat(compensated.agrees()).as("the account agrees with its ledger and holds").isTrue();
			assertThat(compensated.points()).as("credited, then debited")
				.containsExactly(points("CREDIT", 1), points("DEBIT", -1));
			assertThat(compensated.effects()).containsExactly("inventory COMPENSATED", "payment COMPENSATED",
					"points COMPENSATED");
			assertThat(compensated.consumed()).isEqualTo(consumed());
			assertThat(compensated.inventoryRejections()).isEqualTo(confirmedRows.inventoryRejections());
			assertThat(compensated.paymentRejections()).isEqualTo(confirmedRows.paymentRejections());

			Message redelivered = message.again();
			deliver(redelivered, Group.INVENTORY, Outcome.DUPLICATE);
			deliver(redelivered, Group.PAYMENT, Outcome.DUPLICATE);
			deliver(redelivered, Group.POINTS, Outcome.DUPLICATE);
			Message lateConfirm = new Message(OrderConfirmed.TAG, this.confirmed).again();
			deliver(lateConfirm, Group.INVENTORY, Outcome.SKIPPED);
			deliver(lateConfirm, Group.PAYMENT, Outcome.SKIPPED);
			deliver(lateConfirm, Group.POINTS, Outcome.SKIPPED);
			assertThat(rows()).as("a redelivered Cancel, or Confirm, changes nothing more").isEqualTo(compensated);
		}

		/**
		 * The Cancel after the Try: whatever was reserved released, whatever was frozen
		 * unfrozen; points, never credited, remember the cancel.
		 */
		private void cancelTried(Rows before, Rows tried, AccountRow funded) {
			boolean reserves = this.order.stock().reserves();
			boolean freezes = this.order.funds().freezes();
			Message message = new Message(OrderCancelled.TAG, this.cancelled);
			deliver(message, Group.INVENTORY, Outcome.APPLIED);
			deliver(message, Group.PAYMENT, Outcome.APPLIED);
			deliver(message, Group.POINTS, Outcome.APPLIED);
			Rows compensated = rows();
			assertThat(compensated.stock()).as("the reservation released").isEqualTo(before.stock());
			assertThat(compensated.reservations()).isEqualTo(reserves ? reservations("RELEASED") : List.of());
			assertThat(compensated.inventoryRejections()).isEqualTo(tried.inventoryRejections());
			assertThat(compensated.holds()).isEqualTo(freezes ? List.of(hold("RELEASED")) : List.of());
			assertThat(compensated.paymentRejections()).isEqualTo(tried.paymentRejections());
			assertThat(compensated.ledger())
				.isEqualTo(freezes ? List.of(movement("FREEZE", 0, 1), movement("UNFREEZE", 0, -1)) : List.of());
			assertThat(compensated.account()).as("the total unfrozen").isEqualTo(funded);
			assertThat(compensated.agrees()).as("the account agrees with its ledger and holds").isTrue();
			assertThat(compensated.points()).isEmpty();
			assertThat(compensated.effects()).containsExactly("inventory COMPENSATED", "payment COMPENSATED",
					"points CANCELLED");
			assertThat(compensated.consumed()).isEqualTo(consumed());

			Message redelivered = message.again();
			deliver(redelivered, Group.INVENTORY, Outcome.DUPLICATE);
			deliver(redelivered, Group.PAYMENT, Outcome.DUPLICATE);
			deliver(redelivered, Group.POINTS, Outcome.DUPLICATE);
			assertThat(rows()).as("a redelivered Cancel undoes nothing more").isEqualTo(compensated);
		}

		/**
		 * The Cancel before the Try (an empty rollback): each group remembers it, and
		 * skips the late Try.
		 */
		private void cancelFirst(Rows before) {
			Message cancel = new Message(OrderCancelled.TAG, this.cancelled);
			deliver(cancel, Group.INVENTORY, Outcome.APPLIED);
			deliver(cancel, Group.PAYMENT, Outcome.APPLIED);
			deliver(cancel, Group.POINTS, Outcome.APPLIED);
			Message late = new Message(OrderCreated.TAG, this.created);
			deliver(late, Group.INVENTORY, Outcome.SKIPPED);
			deliver(late, Group.PAYMENT, Outcome.SKIPPED);
			Rows after = rows();
			assertThat(after).as("nothing but the cancel, remembered")
				.isEqualTo(new Rows(before.stock(), List.of(), List.of(), List.of(), List.of(), List.of(),
						before.account(), true, List.of(),
						List.of("inventory CANCELLED", "payment CANCELLED", "points CANCELLED"), consumed()));

			Message redelivered = cancel.again();
			deliver(redelivered, Group.INVENTORY, Outcome.DUPLICATE);
			deliver(redelivered, Group.PAYMENT, Outcome.DUPLICATE);
			deliver(redelivered, Group.POINTS, Outcome.DUPLICATE);
			Message lateAgain = late.again();
			deliver(lateAgain, Group.INVENTORY, Outcome.SKIPPED);
			deliver(lateAgain, Group.PAYMENT, Outcome.SKIPPED);
			assertThat(rows()).as("redeliveries change nothing").isEqualTo(after);
		}

		/**
		 * Delivers the message to the group, checks the outcome, and remembers the dedupe
		 * row it must leave.
		 */
		private void deliver(Message message, Group group, Outcome expected) {
			assertThat(message.deliver(group))
				.as("%s, %s (attempt %d)", group.label(), message.tag(), message.attempt())
				.isEqualTo(expected);
			if (expected != Outcome.DUPLICATE && expected != Outcome.SKIPPED) {
				this.consumed.add(group.label() + " " + message.tag() + " " + expected);
			}
		}

		private List<String> consumed() {
			return this.consumed.stream().sorted().toList();
		}

		/**
		 * The generators and corners keep within the limits by construction; this says so
		 * if a changed limit makes one of them an order the API would refuse.
		 */
		private static void acceptedByTheApi(Shape shape) {
			assertThat(shape.lines()).as("lines").hasSizeBetween(1, MAX_LINES);
			assertThat(shape.lines()).allSatisfy(line -> {
				assertThat(line.quantity()).as("quantity").isBetween(1, MAX_QUANTITY);
				assertThat(line.unitCents()).as("unit price").isGreaterThanOrEqualTo(MIN_UNIT_PRICE_CENTS);
				assertThat(line.totalCents()).as("line total").isLessThanOrEqualTo(MAX_LINE_CENTS);
			});
			assertThat(shape.totalCents()).as("order total").isLessThanOrEqualTo(MAX_ORDER_CENTS);
		}

		/**
		 * Stocks the SKUs as the case says, with units reserved and sold by earlier
		 * orders too; returns the rows written.
		 */
		private Map<String, StockRow> stock(Random random) {
			int odd = random.nextInt(this.skus.size());
			Map<String, StockRow> rows = new TreeMap<>();
			for (int i = 0; i < this.skus.size(); i++) {
				String sku = this.skus.get(i);
				int quantity = this.needed.get(sku);
				int reservedBefore = random.nextBoolean() ? 0 : random.nextInt(MAX_QUANTITY + 1);
				int soldBefore = random.nextBoolean() ? 0 : random.nextInt(MAX_QUANTITY + 1);
				boolean shortLine = this.order.stock() == Stock.EVERY_LINE_SHORT
						|| (this.order.stock() == Stock.ONE_LINE_SHORT && i == odd);
				if (this.order.stock() == Stock.ONE_LINE_NOT_STOCKED && i == odd) {
					this.shortages.put(sku, sku + " (needs " + quantity + ", not stocked)");
					continue;
				}
				int available = switch (this.order.stock()) {
					case LAST_UNITS -> quantity;
					default -> shortLine ? quantity - 1 : quantity + 1 + random.nextInt(MAX_QUANTITY);
				};
				if (shortLine) {
					this.shortages.put(sku, sku + " (needs " + quantity + ")");
				}
				rows.put(sku, new StockRow(sku, available, reservedBefore, soldBefore));
			}
			// One statement, one commit.
			if (!rows.isEmpty()) {
				jdbc.update(
						"INSERT INTO stock (sku, available, reserved, sold) VALUES "
								+ String.join(", ", Collections.nCopies(rows.size(), "(?, ?, ?, ?)")),
						rows.values()
							.stream()
							.flatMap(row -> Stream.of(row.sku(), row.available(), row.reserved(), row.sold()))
							.toArray());
			}
			return rows;
		}

		/**
		 * Funds the customer's account as the case says; returns its balance and frozen.
		 * Generated customer ids repeat across tries (there are 68 of one character), so
		 * the account starts afresh, as a new customer's does.
		 */
		private AccountRow fund(Random random) {
			long total = totalCents();
			long held = switch (this.order.funds()) {
				case EXACT_BESIDE_A_HOLD, SHORT_BESIDE_A_HOLD -> Shapes.edgy(random, 1, LARGEST_TOTAL_CENTS);
				case EXACT_BESIDE_THE_LARGEST_HOLD -> LARGEST_TOTAL_CENTS;
				default -> 0;
			};
			long available = switch (this.order.funds()) {
				case BEYOND -> total + Shapes.edgy(random, 1, LARGEST_TOTAL_CENTS);
				case SHORT_BY_A_CENT, SHORT_BESIDE_A_HOLD -> total - 1;
				default -> total;
			};
			assertThat(available + held).as("funded within what the account columns are checked to hold")
				.isLessThanOrEqualTo(MOST_FUNDED_CENTS);
			for (String table : new String[] { "account_ledger", "payment_hold", "account" }) {
				jdbc.update("DELETE FROM " + table + " WHERE customer_id = ?", this.customer);
			}
			fixtures.fund(this.customer, money(available + held));
			if (held > 0) {
				fixtures.frozenFor(NEXT_ORDER_ID.incrementAndGet(), this.customer, money(held));
			}
			return new AccountRow(money(available + held), money(held));
		}

		private long totalCents() {
			return this.order.shape().totalCents();
		}

		/** The stock rows after this order's units moved from available to reserved. */
		private List<StockRow> reserved(Map<String, StockRow> stocked) {
			return stocked.values()
				.stream()
				.map(row -> new StockRow(row.sku(), row.available() - this.needed.get(row.sku()),
						row.reserved() + this.needed.get(row.sku()), row.sold()))
				.toList();
		}

		/** The stock rows after this order's units moved from available to sold. */
		private List<StockRow> sold(Map<String, StockRow> stocked) {
			return stocked.values()
				.stream()
				.map(row -> new StockRow(row.sku(), row.available() - this.needed.get(row.sku()), row.reserved(),
						row.sold() + this.needed.get(row.sku())))
				.toList();
		}

		private List<ReservationRow> reservations(String status) {
			return this.needed.entrySet()
				.stream()
				.map(line -> new ReservationRow(line.getKey(), line.getValue(), status))
				.toList();
		}

		private HoldRow hold(String status) {
			return new HoldRow(this.customer, money(totalCents()), status);
		}

		/** A ledger row of this order: the total times the signs given. */
		private LedgerRow movement(String type, int balanceSign, int frozenSign) {
			return new LedgerRow(this.customer, type, money(totalCents()), money(balanceSign * totalCents()),
					money(frozenSign * totalCents()));
		}

		/** floor(total) points times the sign given. */
		private PointsRow points(String type, int sign) {
			return new PointsRow(this.customer, sign * (totalCents() / 100), type);
		}

		/**
		 * The reason names the short SKUs in SKU order, as much as inventory_rejection
		 * holds of it.
		 */
		private void isTheReason(String reason) {
			String whole = "insufficient stock: " + String.join(", ", this.shortages.values());
			assertThat(reason.codePointCount(0, reason.length())).as("fits the column").isLessThanOrEqualTo(255);
			assertThat(whole).as("the reason, cut to the column").startsWith(reason);
			assertThat(reason).contains(this.shortages.values().iterator().next());
			if (Corners.CUT_INSIDE_A_CHARACTER.equals(this.order.shape().name())) {
				assertThat(Character.isHighSurrogate(whole.charAt(254))).as("the corner still cuts there").isTrue();
			}
		}

		private Rows rows() {
			String skus = this.skuPrefix + "%";
			List<String> account = fixtures.account(this.customer);
			return new Rows(jdbc.query("SELECT sku, available, reserved, sold FROM stock WHERE sku LIKE ? ORDER BY sku",
					(row, n) -> new StockRow(row.getString(1), row.getInt(2), row.getInt(3), row.getInt(4)), skus),
					jdbc.query("SELECT sku, quantity, status FROM reservation WHERE order_id = ? ORDER BY sku",
							(row, n) -> new ReservationRow(row.getString(1), row.getInt(2), row.getString(3)),
							this.orderId),
					jdbc.queryForList("SELECT reason FROM inventory_rejection WHERE order_id = ?", String.class,
							this.orderId),
					jdbc.query("SELECT customer_id, amount, status FROM payment_hold WHERE order_id = ?",
							(row, n) -> new HoldRow(row.getString(1), row.getBigDecimal(2).toPlainString(),
									row.getString(3)),
							this.orderId),
					jdbc.queryForList("SELECT reason FROM payment_rejection WHERE order_id = ? AND customer_id = ?",
							String.class, this.orderId, this.customer),
					jdbc.query(
							"SELECT customer_id, entry_type, amount, balance_change, frozen_change FROM account_ledger WHERE order_id = ? ORDER BY id",
							(row, n) -> new LedgerRow(row.getString(1), row.getString(2),
									row.getBigDecimal(3).toPlainString(), row.getBigDecimal(4).toPlainString(),
									row.getBigDecimal(5).toPlainString()),
							this.orderId),
					new AccountRow(account.get(0), account.get(1)),
					fixtures.ledgerAgrees(this.customer) && fixtures.holdsAgree(this.customer),
					jdbc.query("SELECT user_id, points, entry_type FROM points_ledger WHERE order_id = ? ORDER BY id",
							(row, n) -> new PointsRow(row.getString(1), row.getLong(2), row.getString(3)),
							this.orderId),
					jdbc.queryForList(
							"SELECT CONCAT(consumer_group, ' ', state) FROM order_effect WHERE order_id = ? ORDER BY consumer_group",
							String.class, this.orderId),
					jdbc.queryForList(
							"SELECT CONCAT(consumer_group, ' ', event_type, ' ', outcome) FROM consumed_message WHERE message_key = ?",
							String.class, this.key)
						.stream()
						.sorted()
						.toList());
		}

		/**
		 * A SKU unique to this try and line, as long as the style says (the API counts
		 * UTF-16 units, the columns characters).
		 */
		private static String sku(String unique, SkuStyle style) {
			StringBuilder sku = new StringBuilder(unique);
			String[] filler = (style == SkuStyle.EMOJI) ? new String[] { "\ud83d\ude00" }
					: new String[] { "\u00e9", "\u20ac", "\u4e2d", "\ud83d\ude00", "Z" };
			int length = switch (style) {
				case SHORT -> unique.length();
				case EMOJI -> 40;
				default -> MAX_ID_LENGTH;
			};
			int i = 0;
			while (sku.length() < length) {
				String next = (style == SkuStyle.LONGEST_ASCII) ? "X" : filler[i++ % filler.length];
				sku.append((sku.length() + next.length() <= length) ? next : "Z");
			}
			return sku.toString();
		}

	}

	/** The consumer groups, by the names their rows carry. */
	enum Group {

		INVENTORY, PAYMENT, POINTS;

		String label() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** Its handlers by tag, as its subscription holds them. */
		Map<String, EventHandler<?>> handlers() {
			return switch (this) {
				case INVENTORY -> inventory;
				case PAYMENT -> payment;
				case POINTS -> points;
			};
		}

	}

	/**
	 * A message as a group's listener hands it to the handler: its body is the event as
	 * JSON, read back into the handler's event class.
	 */
	private record Message(String tag, Object event, String messageId, int attempt) {

		/** How often the broker may refuse a reply before the delivery fails. */
		private static final int BROKER_REFUSALS = 5;

		Message(String tag, Object event) {
			this(tag, event, UUID.randomUUID().toString().replace("-", "").toUpperCase(), 1);
		}

		/** The same message delivered again by the broker. */
		Message again() {
			return new Message(this.tag, this.event, this.messageId, this.attempt + 1);
		}

		Outcome deliver(Group group) {
			String key = (this.event instanceof OrderCreated created) ? created.orderId()
					: (this.event instanceof OrderConfirmed confirmed) ? confirmed.orderId()
							: ((OrderCancelled) this.event).orderId();
			byte[] body = json.writeValueAsBytes(this.event);
			for (int refusals = 0;; refusals++) {
				try {
					return handle(group.handlers().get(this.tag), body,
							new IncomingMessage(this.tag, key, this.messageId, this.attempt + refusals));
				}
				catch (NotPublished ex) {
					// The broker refused a Try's reply (flow control, on a busy machine):
					// nothing was written, and the broker would deliver it again. So
					// does this, a few times, after a pause.
					assertThat(refusals).as("%s, %s: %s", group.label(), this.tag, ex.getMessage())
						.isLessThan(BROKER_REFUSALS);
					log.warn("{}, {}: {}; delivering it again", group.label(), this.tag, ex.getMessage());
					pause(refusals + 1);
				}
			}
		}

		private static void pause(int times) {
			try {
				Thread.sleep(times * 200L);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private static <E> Outcome handle(EventHandler<E> handler, byte[] body, IncomingMessage message) {
			return handler.handle(json.readValue(body, handler.eventClass()), message);
		}

	}

	record StockRow(String sku, int available, int reserved, int sold) {
	}

	record ReservationRow(String sku, int quantity, String status) {
	}

	record HoldRow(String customerId, String amount, String status) {
	}

	record LedgerRow(String customerId, String entryType, String amount, String balanceChange, String frozenChange) {
	}

	/** Balance and frozen, as the database prints them. */
	record AccountRow(String balance, String frozen) {

		long availableCents() {
			return cents(new BigDecimal(this.balance)) - cents(new BigDecimal(this.frozen));
		}

		AccountRow plus(long balanceCents, long frozenCents) {
			return new AccountRow(money(cents(new BigDecimal(this.balance)) + balanceCents),
					money(cents(new BigDecimal(this.frozen)) + frozenCents));
		}

	}

	record PointsRow(String userId, long points, String entryType) {
	}

	/**
	 * What the three groups write for one order, timestamps aside, and whether the
	 * customer's account agrees with its ledger and open holds.
	 */
	record Rows(List<StockRow> stock, List<ReservationRow> reservations, List<String> inventoryRejections,
			List<HoldRow> holds, List<String> paymentRejections, List<LedgerRow> ledger, AccountRow account,
			boolean agrees, List<PointsRow> points, List<String> effects, List<String> consumed) {
	}

	// Helpers

	private static long cents(BigDecimal amount) {
		return amount.movePointRight(2).longValueExact();
	}

	private static String money(long cents) {
		return BigDecimal.valueOf(cents, 2).toPlainString();
	}

	/** The largest value an integer column holds. */
	private static long largestInteger(String table, String column) {
		String type = jdbc.queryForObject(
				"SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
				String.class, table, column);
		boolean unsigned = type.contains("unsigned");
		String base = type.replaceAll("\\(.*|\\s.*", "");
		return switch (base) {
			case "tinyint" -> unsigned ? 255 : Byte.MAX_VALUE;
			case "smallint" -> unsigned ? 65_535 : Short.MAX_VALUE;
			case "mediumint" -> unsigned ? 16_777_215 : 8_388_607;
			case "int" -> unsigned ? 4_294_967_295L : Integer.MAX_VALUE;
			case "bigint" -> Long.MAX_VALUE;
			default -> throw new IllegalStateException(table + "." + column + " is " + type + ", not an integer");
		};
	}

	/** The largest value a DECIMAL column holds. */
	private static BigDecimal largestDecimal(String table, String column) {
		int precision = jdbc.queryForObject(
				"SELECT NUMERIC_PRECISION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
				Integer.class, table, column);
		int scale = scale(table, column);
		return BigDecimal.TEN.pow(precision).subtract(BigDecimal.ONE).movePointLeft(scale);
	}

	/** The digits a DECIMAL column keeps after the point. */
	private static int scale(String table, String column) {
		return jdbc.queryForObject(
				"SELECT NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
				Integer.class, table, column);
	}

	/** The most characters a text column holds. */
	private static long longestText(String table, String column) {
		return jdbc.queryForObject(
				"SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
				Long.class, table, column);
	}

}
