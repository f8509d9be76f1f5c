-- Order database: owned by producer-service; read by checkback.
-- Applied by Flyway (producer-service migrates it at start) or by hand, after sql/messaging/:
-- mysql -h127.0.0.1 -uroot orders < sql/orders/V1__orders_schema.sql, then V2__... in order.
-- Every statement is idempotent: version 1 also runs over a database the plain scripts made.

-- The products an order may name. Orders for an unknown or inactive SKU are refused with 400.
CREATE TABLE IF NOT EXISTS catalog_item (
    sku        VARCHAR(64)  NOT NULL PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    active     BOOLEAN      NOT NULL DEFAULT TRUE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS orders (
    id              BIGINT        NOT NULL PRIMARY KEY,
    user_id         VARCHAR(64)   NOT NULL,
    idempotency_key VARCHAR(64)   NOT NULL,
    -- SHA-256 of the canonical request: a reused Idempotency-Key with another body is refused.
    request_hash    CHAR(64)      NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    total           DECIMAL(14, 2) NOT NULL,
    -- The transaction id carried by the OrderCreated half message (see transaction_record).
    tx_id           VARCHAR(64)   NOT NULL,
    version         INT           NOT NULL DEFAULT 0,
    created_at      DATETIME(3)   NOT NULL,
    updated_at      DATETIME(3)   NOT NULL,
    UNIQUE KEY uk_orders_idempotency (user_id, idempotency_key),
    UNIQUE KEY uk_orders_tx (tx_id),
    KEY idx_orders_status (status, created_at),
    KEY idx_orders_user (user_id, created_at),
    CONSTRAINT ck_orders_status CHECK (status IN ('CREATED', 'CONFIRMED', 'CANCELLED')),
    CONSTRAINT ck_orders_total CHECK (total >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS order_item (
    order_id   BIGINT         NOT NULL,
    line_no    INT            NOT NULL,
    sku        VARCHAR(64)    NOT NULL,
    quantity   INT            NOT NULL,
    unit_price DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no),
    UNIQUE KEY uk_order_item_sku (order_id, sku),
    CONSTRAINT fk_order_item_order FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT ck_order_item_quantity CHECK (quantity > 0),
    CONSTRAINT ck_order_item_price CHECK (unit_price >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Every status change with its cause; GET /orders/{id} shows it as the order's history.
CREATE TABLE IF NOT EXISTS order_history (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id    BIGINT       NOT NULL,
    from_status VARCHAR(16)  NULL,
    to_status   VARCHAR(16)  NOT NULL,
    cause       VARCHAR(64)  NOT NULL,
    occurred_at DATETIME(3)  NOT NULL,
    KEY idx_order_history_order (order_id, id),
    CONSTRAINT fk_order_history_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
