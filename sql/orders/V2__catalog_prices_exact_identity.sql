-- Version 2 of the order database (issue "Orders a shop could take").
-- Prices come from the catalog: an order line takes the catalog's price when it is placed.
-- Customer ids, Idempotency-Keys and SKUs compare by their bytes (utf8mb4_bin): key K-a and
-- key K-A are two orders, and users Zed and zed are two customers. (Trailing spaces aside,
-- which utf8mb4_bin pads; none of these may contain a space.) Currencies are upper-case
-- ASCII codes, compared exactly, so 'eur' is refused rather than taken for 'EUR'.

-- price NULL: listed but not for sale until priced (existing rows get no invented price).
ALTER TABLE catalog_item
    MODIFY sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ADD COLUMN price DECIMAL(12, 2) NULL AFTER name,
    ADD COLUMN currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'EUR' AFTER price,
    ADD CONSTRAINT ck_catalog_item_price CHECK (price IS NULL OR price > 0),
    ADD CONSTRAINT ck_catalog_item_currency CHECK (currency REGEXP '^[A-Z]{3}$');

-- Orders placed before this version were all in EUR, the only currency there was.
ALTER TABLE orders
    MODIFY user_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY idempotency_key VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ADD COLUMN currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'EUR' AFTER total,
    ADD CONSTRAINT ck_orders_currency CHECK (currency REGEXP '^[A-Z]{3}$');

ALTER TABLE order_item
    MODIFY sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
