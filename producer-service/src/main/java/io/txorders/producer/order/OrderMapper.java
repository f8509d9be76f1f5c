package io.txorders.producer.order;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface OrderMapper extends BaseMapper<Order> {

	@Select("SELECT * FROM orders WHERE user_id = #{userId} AND idempotency_key = #{key}")
	Order findByIdempotencyKey(@Param("userId") String userId, @Param("key") String idempotencyKey);

}
