package io.txorders.producer.order.store;

import java.util.List;

import com.baomidou.mybatisplus.core.mapper.BaseMapper;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface OrderItemMapper extends BaseMapper<OrderItem> {

	@Select("SELECT * FROM order_item WHERE order_id = #{orderId} ORDER BY line_no")
	List<OrderItem> findByOrderId(long orderId);

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
	int insertAll(@Param("items") List<OrderItem> items);

}
