package io.txorders.messaging.consume;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where each group stands with each order ({@code order_effect}): the fence that makes an
 * order's forward effect and its compensation take turns, and lets neither happen twice.
 * {@link #lock} comes first in every effect's transaction.
 */
public class EffectRows {

	private final JdbcTemplate jdbc;

	public EffectRows(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** The states of {@code order_effect}. */
	public enum EffectState {

		/**
		 * No effect yet: the state a compensation's lock creates a row in, moved to
		 * CANCELLED in the same transaction.
		 */
		NEW,
		/**
		 * The forward effect (a TCC Try) is in place, or was refused and recorded.
		 */
		APPLIED,
		/**
		 * The Try was confirmed (a TCC Confirm): what it held is now final until a cancel
		 * undoes both.
		 */
		CONFIRMED,
		/**
		 * The order was cancelled before its forward effect came: skip it when it does.
		 */
		CANCELLED,
		/** The forward effect (and its confirmation, if any) was undone. */
		COMPENSATED

	}

	/**
	 * Locks the order's row for this group until the transaction ends, and returns the
	 * state it had: NEW if there was no row. A missing row is created already in state
	 * {@code applying}, the state the caller's effect leaves it in, so an order the group
	 * has not seen costs one statement; the caller applies the effect, or rolls back.
	 * <p>
	 * The insert's duplicate branch always moves {@code updated_at} (to now, or a
	 * millisecond past its old value), because MySQL and MariaDB count an update that
	 * changes nothing as 1 row under Connector/J's default found-rows mode, the same as
	 * an insert: so 1 means inserted, 2 means the row was there.
	 */
	public EffectState lock(String group, long orderId, EffectState applying) {
		int rows = this.jdbc.update(
				"""
						INSERT INTO order_effect (consumer_group, order_id, state, updated_at)
						VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))
						ON DUPLICATE KEY UPDATE updated_at = GREATEST(CURRENT_TIMESTAMP(3), updated_at + INTERVAL 1000 MICROSECOND)
						""",
				group, orderId, applying.name());
		if (rows == 1) {
			return EffectState.NEW;
		}
		EffectState found = EffectState.valueOf(
				this.jdbc.queryForObject("SELECT state FROM order_effect WHERE consumer_group = ? AND order_id = ?",
						String.class, group, orderId));
		if (found == EffectState.NEW && applying != EffectState.NEW) {
			moveTo(group, orderId, applying);
		}
		return found;
	}

	/** Moves the row the caller holds locked to {@code state}. */
	public void moveTo(String group, long orderId, EffectState state) {
		this.jdbc.update(
				"UPDATE order_effect SET state = ?, updated_at = CURRENT_TIMESTAMP(3) WHERE consumer_group = ? AND order_id = ?",
				state.name(), group, orderId);
	}

}
