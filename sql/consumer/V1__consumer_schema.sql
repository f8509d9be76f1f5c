-- Consumer database: owned by consumer-service (groups inventory and points).
-- Applied by Flyway (consumer-service migrates it at start) or by hand, after sql/messaging/:
-- mysql -h127.0.0.1 -uroot consumer < sql/consumer/V1__consumer_schema.sql, then V2__... in order.

-- Stock per SKU. available never goes negative: the CHECK is the last line of defence,
-- the reservation itself is a guarded UPDATE ... WHERE available >= ?.
CREATE TABLE IF NOT EXISTS stock (
    sku        VARCHAR(64) NOT NULL PRIMARY KEY,
    available  INT         NOT NULL,
    reserved   INT         NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    CONSTRAINT ck_stock_available CHECK (available >= 0),
    CONSTRAINT ck_stock_reserved CHECK (reserved >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- One row per order line that got stock. RESERVED until the order is cancelled (RELEASED).
CREATE TABLE IF NOT EXISTS reservation (
    order_id   BIGINT      NOT NULL,
    sku        VARCHAR(64) NOT NULL,
    quantity   INT         NOT NULL,
    status     VARCHAR(16) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    PRIMARY KEY (order_id, sku),
    CONSTRAINT ck_reservation_quantity CHECK (quantity > 0),
    CONSTRAINT ck_reservation_status CHECK (status IN ('RESERVED', 'RELEASED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- An order that could not get stock for every line: an outcome, recorded, not an error.
CREATE TABLE IF NOT EXISTS inventory_rejection (
    order_id   BIGINT       NOT NULL PRIMARY KEY,
    reason     VARCHAR(255) NOT NULL,
    created_at DATETIME(3)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Loyalty points: a CREDIT per order, and a DEBIT that reverses it when the order is cancelled.
CREATE TABLE IF NOT EXISTS points_ledger (
    id         BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id   BIGINT      NOT NULL,
    user_id    VARCHAR(64) NOT NULL,
    points     INT         NOT NULL,
    entry_type VARCHAR(8)  NOT NULL,
    created_at DATETIME(3) NOT NULL,
    UNIQUE KEY uk_points_ledger_entry (order_id, entry_type),
    KEY idx_points_ledger_user (user_id),
    CONSTRAINT ck_points_ledger_type CHECK (entry_type IN ('CREDIT', 'DEBIT'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Dead letters sent back to their topic (POST /admin/dead-letters/{group}/redrive), written in
-- the local transaction of the redrive's own transactional message: each is redriven once.
CREATE TABLE IF NOT EXISTS dlq_redrive (
    consumer_group VARCHAR(64) NOT NULL,
    message_id     VARCHAR(64) NOT NULL,
    redriven_at    DATETIME(3) NOT NULL,
    PRIMARY KEY (consumer_group, message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
