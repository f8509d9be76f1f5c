package io.txorders.producer.order.store;

import java.time.Instant;

import com.baomidou.mybatisplus.annotation.IdType;
import com.baomidou.mybatisplus.annotation.TableId;
import com.baomidou.mybatisplus.annotation.TableName;

/**
 * One status change of an order, with its cause.
 */
@TableName("order_history")
public class OrderHistory {

	@TableId(type = IdType.AUTO)
	private Long id;

	private Long orderId;

	private OrderStatus fromStatus;

	private OrderStatus toStatus;

	private String cause;

	private Instant occurredAt;

	public static OrderHistory of(long orderId, OrderStatus from, OrderStatus to, String cause, Instant at) {
		OrderHistory entry = new OrderHistory();
		entry.orderId = orderId;
		entry.fromStatus = from;
		entry.toStatus = to;
		entry.cause = cause;
		entry.occurredAt = at;
		return entry;
	}

	public Long getId() {
		return this.id;
	}

	public void setId(Long id) {
		this.id = id;
	}

	public Long getOrderId() {
		return this.orderId;
	}

	public void setOrderId(Long orderId) {
		this.orderId = orderId;
	}

	public OrderStatus getFromStatus() {
		return this.fromStatus;
	}

	public void setFromStatus(OrderStatus fromStatus) {
		this.fromStatus = fromStatus;
	}

	public OrderStatus getToStatus() {
		return this.toStatus;
	}

	public void setToStatus(OrderStatus toStatus) {
		this.toStatus = toStatus;
	}

	public String getCause() {
		return this.cause;
	}

	public void setCause(String cause) {
		this.cause = cause;
	}

	public Instant getOccurredAt() {
		return this.occurredAt;
	}

	public void setOccurredAt(Instant occurredAt) {
		this.occurredAt = occurredAt;
	}

}
