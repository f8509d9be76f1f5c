-- Version 3 of the order database (issue "Payment as TCC in the order saga").
-- The coordinator's record of each Try's reply: one row per order and participant
-- (inventory, payment), written once whatever order and however often the replies come.
-- The order is CONFIRMED when every participant reserved, CANCELLED at the first rejection.
CREATE TABLE IF NOT EXISTS order_try_reply (
    order_id    BIGINT       NOT NULL,
    participant VARCHAR(16)  NOT NULL,
    outcome     VARCHAR(16)  NOT NULL,
    reason      VARCHAR(255) NULL,
    received_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (order_id, participant),
    CONSTRAINT fk_order_try_reply_order FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT ck_order_try_reply_participant CHECK (participant IN ('INVENTORY', 'PAYMENT')),
    CONSTRAINT ck_order_try_reply_outcome CHECK (outcome IN ('RESERVED', 'REJECTED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- ShedLock's table: the sweep that cancels orders whose Try replies did not all come within
-- ORDER_CONFIRM_TIMEOUT runs on one producer-service instance at a time.
CREATE TABLE IF NOT EXISTS shedlock (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    lock_until TIMESTAMP(3) NOT NULL,
    locked_at  TIMESTAMP(3) NOT NULL,
    locked_by  VARCHAR(255) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
