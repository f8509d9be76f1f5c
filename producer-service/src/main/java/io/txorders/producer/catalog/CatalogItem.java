package io.txorders.producer.catalog;

import java.math.BigDecimal;

/**
 * One orderable SKU as {@code GET /catalog} lists it: its price (two decimals) in its
 * currency (ISO 4217).
 */
public record CatalogItem(String sku, String name, BigDecimal price, String currency) {
}
