package io.txorders.consumer.messaging;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * Where a group stands with an order ({@code order_effect}).
 * {@link #lock(OrderEffects, String, long, EffectState)} comes first in every handler's
 * transaction: OrderCreated and OrderCancelled for one order take turns.
 */
@Mapper
public interface OrderEffects {

	/**
	 * Creates the row in state {@code created} if absent, and holds its lock until the
	 * transaction ends. Returns 1 if it inserted the row, 2 if the row was there: then
	 * the update moves {@code updated_at} (to now, or a millisecond past its old value,
	 * so it always changes), because MySQL and MariaDB count an update that changes
	 * nothing as 1 row under Connector/J's default found-rows mode, the same as an
	 * insert.
	 */
	@Insert("""
			INSERT INTO order_effect (consumer_group, order_id, state, updated_at)
			VALUES (#{group}, #{orderId}, #{created}, CURRENT_TIMESTAMP(3))
			ON DUPLICATE KEY UPDATE updated_at = GREATEST(CURRENT_TIMESTAMP(3), updated_at + INTERVAL 1000 MICROSECOND)
			""")
	int lockRow(@Param("group") String group, @Param("orderId") long orderId, @Param("created") String created);

	@Select("SELECT state FROM order_effect WHERE consumer_group = #{group} AND order_id = #{orderId}")
	String state(@Param("group") String group, @Param("orderId") long orderId);

	@Update("UPDATE order_effect SET state = #{state}, updated_at = CURRENT_TIMESTAMP(3) WHERE consumer_group = #{group} AND order_id = #{orderId}")
	int moveTo(@Param("group") String group, @Param("orderId") long orderId, @Param("state") String state);

	/**
	 * Locks the order's row for this group and returns the state it had: NEW if there was
	 * no row (or a NEW one). The row is then in state {@code applying}, the state the
	 * caller's effect leaves it in; the caller applies the effect, or rolls back. So an
	 * order the group has not seen costs one statement, not an insert, a read and an
	 * update. Static, not a default method: MyBatis-Plus reflects over the whole mapper
	 * proxy class on every call of a default method (8% of consumer-service's CPU in a
	 * profile).
	 */
	static EffectState lock(OrderEffects effects, String group, long orderId, EffectState applying) {
		if (effects.lockRow(group, orderId, applying.name()) == 1) {
			return EffectState.NEW;
		}
		EffectState found = EffectState.valueOf(effects.state(group, orderId));
		if (found == EffectState.NEW && applying != EffectState.NEW) {
			effects.moveTo(group, orderId, applying.name());
		}
		return found;
	}

	/** The states of {@code order_effect}. */
	enum EffectState {

		NEW, APPLIED, CANCELLED, COMPENSATED

	}

}
