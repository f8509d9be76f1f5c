package io.txorders.consumer.points;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

@Mapper
public interface PointsLedgerMapper {

	@Insert("INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at) VALUES (#{orderId}, #{userId}, #{points}, 'CREDIT', CURRENT_TIMESTAMP(3))")
	int credit(@Param("orderId") long orderId, @Param("userId") String userId, @Param("points") int points);

	/** Reverses the order's credit: the ledger sums to zero for the order. */
	@Insert("""
			INSERT INTO points_ledger (order_id, user_id, points, entry_type, created_at)
			SELECT order_id, user_id, -points, 'DEBIT', CURRENT_TIMESTAMP(3) FROM points_ledger
			WHERE order_id = #{orderId} AND entry_type = 'CREDIT'
			""")
	int debit(@Param("orderId") long orderId);

}
