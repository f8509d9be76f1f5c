package io.txorders.producer.order.store;

import java.math.BigDecimal;
import java.time.Instant;

import com.baomidou.mybatisplus.annotation.IdType;
import com.baomidou.mybatisplus.annotation.TableId;
import com.baomidou.mybatisplus.annotation.TableName;
import com.baomidou.mybatisplus.annotation.Version;

/**
 * An order as stored in {@code orders}. Its status is a string enum with a version;
 * status changes happen in SQL guarded by the current status, never read-modify-write in
 * Java.
 */
@TableName("orders")
public class Order {

	@TableId(type = IdType.INPUT)
	private Long id;

	private String userId;

	private String idempotencyKey;

	private String requestHash;

	private OrderStatus status;

	private BigDecimal total;

	private String currency;

	private String txId;

	@Version
	private Integer version;

	private Instant createdAt;

	private Instant updatedAt;

	/** A new order in status CREATED. */
	public static Order place(long id, String txId, String userId, String idempotencyKey, String requestHash,
			BigDecimal total, String currency, Instant now) {
		Order order = new Order();
		order.id = id;
		order.txId = txId;
		order.userId = userId;
		order.idempotencyKey = idempotencyKey;
		order.requestHash = requestHash;
		order.total = total;
		order.currency = currency;
		order.status = OrderStatus.CREATED;
		order.version = 0;
		order.createdAt = now;
		order.updatedAt = now;
		return order;
	}

	public Long getId() {
		return this.id;
	}

	public void setId(Long id) {
		this.id = id;
	}

	public String getUserId() {
		return this.userId;
	}

	public void setUserId(String userId) {
		this.userId = userId;
	}

	public String getIdempotencyKey() {
		return this.idempotencyKey;
	}

	public void setIdempotencyKey(String idempotencyKey) {
		this.idempotencyKey = idempotencyKey;
	}

	public String getRequestHash() {
		return this.requestHash;
	}

	public void setRequestHash(String requestHash) {
		this.requestHash = requestHash;
	}

	public OrderStatus getStatus() {
		return this.status;
	}

	public void setStatus(OrderStatus status) {
		this.status = status;
	}

	public BigDecimal getTotal() {
		return this.total;
	}

	public void setTotal(BigDecimal total) {
		this.total = total;
	}

	public String getCurrency() {
		return this.currency;
	}

	public void setCurrency(String currency) {
		this.currency = currency;
	}

	public String getTxId() {
		return this.txId;
	}

	public void setTxId(String txId) {
		this.txId = txId;
	}

	public Integer getVersion() {
		return this.version;
	}

	public void setVersion(Integer version) {
		this.version = version;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public void setCreatedAt(Instant createdAt) {
		this.createdAt = createdAt;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

	public void setUpdatedAt(Instant updatedAt) {
		this.updatedAt = updatedAt;
	}

}
