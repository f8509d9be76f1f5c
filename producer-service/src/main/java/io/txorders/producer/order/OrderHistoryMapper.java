package io.txorders.producer.order;

import java.util.List;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface OrderHistoryMapper extends BaseMapper<OrderHistory> {

	@Select("SELECT * FROM order_history WHERE order_id = #{orderId} ORDER BY id")
	List<OrderHistory> findByOrderId(long orderId);

}
