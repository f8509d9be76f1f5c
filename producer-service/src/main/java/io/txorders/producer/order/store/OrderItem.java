package io.txorders.producer.order.store;

import java.math.BigDecimal;

import com.baomidou.mybatisplus.annotation.TableName;

/**
 * One line of an order.
 */
@TableName("order_item")
public class OrderItem {

	private Long orderId;

	private Integer lineNo;

	private String sku;

	private Integer quantity;

	private BigDecimal unitPrice;

	public static OrderItem of(long orderId, int lineNo, String sku, int quantity, BigDecimal unitPrice) {
		OrderItem item = new OrderItem();
		item.orderId = orderId;
		item.lineNo = lineNo;
		item.sku = sku;
		item.quantity = quantity;
		item.unitPrice = unitPrice;
		return item;
	}

	public Long getOrderId() {
		return this.orderId;
	}

	public void setOrderId(Long orderId) {
		this.orderId = orderId;
	}

	public Integer getLineNo() {
		return this.lineNo;
	}

	public void setLineNo(Integer lineNo) {
		this.lineNo = lineNo;
	}

	public String getSku() {
		return this.sku;
	}

	public void setSku(String sku) {
		this.sku = sku;
	}

	public Integer getQuantity() {
		return this.quantity;
	}

	public void setQuantity(Integer quantity) {
		this.quantity = quantity;
	}

	public BigDecimal getUnitPrice() {
		return this.unitPrice;
	}

	public void setUnitPrice(BigDecimal unitPrice) {
		this.unitPrice = unitPrice;
	}

}
