package io.txorders.producer.order.store;

import java.util.List;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * The order aggregate's SQL: the order, its lines ({@code order_item}) and its history
 * ({@code order_history}). Only {@link OrderStore} uses it.
 */
@Mapper
interface OrderMapper extends BaseMapper<Order> {

	/** A page of orders, newest first, optionally for one user and one status. */
	@Select("""
			<script>
			SELECT * FROM orders
			<where>
			<if test="userId != null">user_id = #{userId}</if>
			<if test="status != null">AND status = #{status}</if>
			</where>
			ORDER BY created_at DESC, id DESC LIMIT #{limit} OFFSET #{offset}
			</script>
			""")
	List<Order> page(@Param("userId") String userId, @Param("status") OrderStatus status, @Param("limit") int limit,
			@Param("offset") long offset);

	@Select("""
			<script>
			SELECT COUNT(*) FROM orders
			<where>
			<if test="userId != null">user_id = #{userId}</if>
			<if test="status != null">AND status = #{status}</if>
			</where>
			</script>
			""")
	long count(@Param("userId") String userId, @Param("status") OrderStatus status);

	/** The status, with the row locked until the transaction ends. */
	@Select("SELECT status FROM orders WHERE id = #{id} FOR UPDATE")
	OrderStatus lockStatus(@Param("id") long id);

	/**
	 * A transition, guarded by the status it starts from: 0 rows if the order moved on.
	 */
	@Update("UPDATE orders SET status = #{to}, version = version + 1, updated_at = #{at} WHERE id = #{id} AND status = #{from}")
	int transition(@Param("id") long id, @Param("from") OrderStatus from, @Param("to") OrderStatus to,
			@Param("at") java.time.Instant at);

	/**
	 * A new order, every column named: static SQL, parsed once. (BaseMapper's
	 * {@code insert} builds its column list from the entity's non-null fields on every
	 * call, which cost more CPU than the driver's work for the statement.)
	 */
	@Insert("INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, currency, tx_id, "
			+ "version, created_at, updated_at) VALUES (#{id}, #{userId}, #{idempotencyKey}, #{requestHash}, "
			+ "#{status}, #{total}, #{currency}, #{txId}, #{version}, #{createdAt}, #{updatedAt})")
	int insertNew(Order order);

	@Select("SELECT * FROM orders WHERE user_id = #{userId} AND idempotency_key = #{key}")
	Order findByIdempotencyKey(@Param("userId") String userId, @Param("key") String idempotencyKey);

	@Select("SELECT order_id, line_no, sku, quantity, unit_price FROM order_item WHERE order_id = #{orderId} ORDER BY line_no")
	List<OrderItem> itemsOf(long orderId);

	/**
	 * All lines of an order in one statement: one round trip inside the local
	 * transaction.
	 */
	@Insert("""
			<script>
			INSERT INTO order_item (order_id, line_no, sku, quantity, unit_price) VALUES
			<foreach item="i" collection="items" separator=",">(#{i.orderId}, #{i.lineNo}, #{i.sku}, #{i.quantity}, #{i.unitPrice})</foreach>
			</script>
			""")
	int insertItems(@Param("items") List<OrderItem> items);

	/**
	 * A Try's reply, once per order and participant: a redelivered or repeated reply
	 * changes nothing (0 rows).
	 */
	@Insert("INSERT IGNORE INTO order_try_reply (order_id, participant, outcome, reason, received_at) "
			+ "VALUES (#{orderId}, #{participant}, #{outcome}, #{reason,jdbcType=VARCHAR}, #{at})")
	int insertReply(@Param("orderId") long orderId, @Param("participant") String participant,
			@Param("outcome") String outcome, @Param("reason") String reason, @Param("at") java.time.Instant at);

	@Select("SELECT participant, outcome, reason FROM order_try_reply WHERE order_id = #{orderId} "
			+ "ORDER BY received_at, participant")
	List<ReplyRow> repliesOf(@Param("orderId") long orderId);

	/** A row of {@code order_try_reply}. */
	record ReplyRow(String participant, String outcome, String reason) {
	}

	/**
	 * CREATED orders placed before {@code before}, oldest first: those whose Try replies
	 * did not all come in time.
	 */
	@Select("SELECT id FROM orders WHERE status = 'CREATED' AND created_at < #{before} ORDER BY created_at LIMIT #{limit}")
	List<Long> createdBefore(@Param("before") java.time.Instant before, @Param("limit") int limit);

	@Select("SELECT order_id, from_status, to_status, cause, occurred_at FROM order_history WHERE order_id = #{orderId} ORDER BY id")
	List<OrderHistory> historyOf(long orderId);

	/**
	 * One history entry: static SQL, parsed once (see {@link #insertNew}). The database
	 * numbers it; the number is not read back, since nothing uses it (entries are read in
	 * id order from the table).
	 */
	@Insert("INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) "
			+ "VALUES (#{orderId}, #{fromStatus,jdbcType=VARCHAR}, #{toStatus}, #{cause}, #{occurredAt})")
	int appendHistory(OrderHistory entry);

}
