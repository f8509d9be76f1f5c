package io.txorders.producer.order;

import java.util.List;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface OrderHistoryMapper extends BaseMapper<OrderHistory> {

	/**
	 * One entry, its id generated: static SQL, parsed once (see
	 * {@link OrderMapper#insertNew}).
	 */
	@Insert("INSERT INTO order_history (order_id, from_status, to_status, cause, occurred_at) "
			+ "VALUES (#{orderId}, #{fromStatus,jdbcType=VARCHAR}, #{toStatus}, #{cause}, #{occurredAt})")
	@Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
	int append(OrderHistory entry);

	@Select("SELECT * FROM order_history WHERE order_id = #{orderId} ORDER BY id")
	List<OrderHistory> findByOrderId(long orderId);

}
