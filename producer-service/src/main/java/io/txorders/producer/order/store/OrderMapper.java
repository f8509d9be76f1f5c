package io.txorders.producer.order.store;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

@Mapper
public interface OrderMapper extends BaseMapper<Order> {

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
	java.util.List<Order> page(@Param("userId") String userId, @Param("status") OrderStatus status,
			@Param("limit") int limit, @Param("offset") long offset);

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
	@Insert("INSERT INTO orders (id, user_id, idempotency_key, request_hash, status, total, tx_id, version, "
			+ "created_at, updated_at) VALUES (#{id}, #{userId}, #{idempotencyKey}, #{requestHash}, #{status}, "
			+ "#{total}, #{txId}, #{version}, #{createdAt}, #{updatedAt})")
	int insertNew(Order order);

	@Select("SELECT * FROM orders WHERE user_id = #{userId} AND idempotency_key = #{key}")
	Order findByIdempotencyKey(@Param("userId") String userId, @Param("key") String idempotencyKey);

}
