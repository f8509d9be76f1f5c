package io.txorders.producer.order.store;

import java.util.List;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface OrderHistoryMapper extends BaseMapper<OrderHistory> {

	/**
	 * One entry: static SQL, parsed once (see {@link OrderMapper#insertNew}). The
	 * database numbers it; the number is not read back, since nothing uses it (entries
	 * are read in id order from the table).
	 */
	@Insert("INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) "
			+ "VALUES (#{orderId}, #{fromStatus,jdbcType=VARCHAR}, #{toStatus}, #{cause}, #{occurredAt})")
	int append(OrderHistory entry);

	@Select("SELECT * FROM order_history WHERE order_id = #{orderId} ORDER BY id")
	List<OrderHistory> findByOrderId(long orderId);

}
