package io.txorders.consumer.inventory;

import java.util.Collection;
import java.util.List;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

@Mapper
public interface StockMapper {

	/**
	 * Stock rows of these SKUs, locked, always in SKU order so that concurrent orders
	 * cannot deadlock.
	 */
	@Select("""
			<script>
			SELECT sku, available FROM stock WHERE sku IN
			<foreach item="sku" collection="skus" open="(" separator="," close=")">#{sku}</foreach>
			ORDER BY sku FOR UPDATE
			</script>
			""")
	List<StockLevel> lockLevels(@Param("skus") Collection<String> skus);

	/** Unlocked stock levels to plan from; the plan is checked under the row locks. */
	@Select("""
			<script>
			SELECT sku, available FROM stock WHERE sku IN
			<foreach item="sku" collection="skus" open="(" separator="," close=")">#{sku}</foreach>
			</script>
			""")
	List<StockLevel> levels(@Param("skus") Collection<String> skus);

	/** Moves units from available to reserved; changes nothing (0 rows) if too few. */
	@Update("UPDATE stock SET available = available - #{quantity}, reserved = reserved + #{quantity} WHERE sku = #{sku} AND available >= #{quantity}")
	int reserve(@Param("sku") String sku, @Param("quantity") int quantity);

	@Insert("""
			<script>
			INSERT INTO reservation (order_id, sku, quantity, status, created_at, updated_at) VALUES
			<foreach item="line" collection="lines" separator=",">(#{orderId}, #{line.sku}, #{line.quantity}, 'RESERVED', CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3))</foreach>
			</script>
			""")
	int insertReservations(@Param("orderId") long orderId, @Param("lines") Collection<StockLine> lines);

	@Insert("INSERT INTO inventory_rejection (order_id, reason, created_at) VALUES (#{orderId}, #{reason}, CURRENT_TIMESTAMP(3))")
	int insertRejection(@Param("orderId") long orderId, @Param("reason") String reason);

	@Select("SELECT sku, quantity FROM reservation WHERE order_id = #{orderId} AND status = 'RESERVED' ORDER BY sku")
	List<StockLine> reservedLines(@Param("orderId") long orderId);

	/** Moves units back from reserved to available. */
	@Update("UPDATE stock SET available = available + #{quantity}, reserved = reserved - #{quantity} WHERE sku = #{sku} AND reserved >= #{quantity}")
	int release(@Param("sku") String sku, @Param("quantity") int quantity);

	@Select("SELECT sku, quantity FROM reservation WHERE order_id = #{orderId} AND status = 'SOLD' ORDER BY sku")
	List<StockLine> soldLines(@Param("orderId") long orderId);

	/** Moves reserved units to sold: the order was confirmed. */
	@Update("UPDATE stock SET reserved = reserved - #{quantity}, sold = sold + #{quantity} WHERE sku = #{sku} AND reserved >= #{quantity}")
	int sell(@Param("sku") String sku, @Param("quantity") int quantity);

	/** Moves sold units back to available: a confirmed order was cancelled. */
	@Update("UPDATE stock SET available = available + #{quantity}, sold = sold - #{quantity} WHERE sku = #{sku} AND sold >= #{quantity}")
	int restock(@Param("sku") String sku, @Param("quantity") int quantity);

	/**
	 * Moves a reservation line from one status to the next; 0 rows if it was not in
	 * {@code from}.
	 */
	@Update("UPDATE reservation SET status = #{to}, updated_at = CURRENT_TIMESTAMP(3) WHERE order_id = #{orderId} AND sku = #{sku} AND status = #{from}")
	int markLine(@Param("orderId") long orderId, @Param("sku") String sku, @Param("from") String from,
			@Param("to") String to);

	/** A SKU's available units. */
	record StockLevel(String sku, int available) {
	}

	/** Units of a SKU an order needs. */
	record StockLine(String sku, int quantity) {
	}

}
