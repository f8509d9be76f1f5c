-- Version 2 of the consumer database: SKUs and customer ids compare byte for byte
-- (utf8mb4_bin), as in the order database, so BOOK-001 and book-001 are never one item.
ALTER TABLE stock
    MODIFY sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

ALTER TABLE reservation
    MODIFY sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

ALTER TABLE points_ledger
    MODIFY user_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
