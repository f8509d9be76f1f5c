-- The transactional-messaging kit's tables (module transactional-messaging), applied to every
-- database a publisher writes to or a consumer group applies effects in: orders and consumer.
-- Applied by Flyway (the kit migrates it at start) or by hand, in version order:
-- mysql -h127.0.0.1 -uroot <database> < sql/messaging/V1__messaging_tables.sql
-- Every statement is idempotent: version 1 also runs over a database the plain scripts made.

-- The transaction barrier (TransactionBarrier). A local transaction inserts COMMITTED as its
-- first statement; a broker check-back inserts ROLLED_BACK with INSERT IGNORE. Whichever comes
-- first owns the row: a check-back waits on the row lock of an open local transaction, and a
-- local transaction that starts after a ROLLBACK answer fails on the duplicate key.
CREATE TABLE IF NOT EXISTS transaction_record (
    tx_id      VARCHAR(64) NOT NULL PRIMARY KEY,
    state      VARCHAR(16) NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY idx_transaction_record_created (created_at),
    CONSTRAINT ck_transaction_record_state CHECK (state IN ('COMMITTED', 'ROLLED_BACK'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Check-backs answered (CheckbackAnswers): which transaction the broker asked
-- about, the answer, the process that gave it. Shown on the admin page; only the newest 1000
-- rows are kept (the writer prunes older ones), so it stays small.
CREATE TABLE IF NOT EXISTS checkback_answer (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tx_id       VARCHAR(64)  NOT NULL,
    answer      VARCHAR(16)  NOT NULL,
    instance    VARCHAR(128) NOT NULL,
    answered_at DATETIME(3)  NOT NULL,
    duration_ms BIGINT       NOT NULL,
    KEY idx_checkback_answer_tx (tx_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The dedupe table: one row per (consumer group, event type, message key) applied, written in
-- the same local transaction as the effect. A duplicate key means "already applied, acknowledge".
CREATE TABLE IF NOT EXISTS consumed_message (
    consumer_group VARCHAR(64)  NOT NULL,
    event_type     VARCHAR(64)  NOT NULL,
    message_key    VARCHAR(128) NOT NULL,
    message_id     VARCHAR(64)  NOT NULL,
    outcome        VARCHAR(32)  NOT NULL,
    consumed_at    DATETIME(3)  NOT NULL,
    PRIMARY KEY (consumer_group, event_type, message_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Where each group stands with each order. Every handler for an order first locks this row
-- (INSERT ... ON DUPLICATE KEY UPDATE), so OrderCreated and OrderCancelled for one order never
-- interleave. A cancel that arrives first leaves CANCELLED, and the later OrderCreated is skipped.
--   NEW          locked for an effect not yet applied
--   APPLIED      the effect is in place (stock reserved or rejection recorded; points credited)
--   CANCELLED    cancelled before the effect arrived; nothing to undo, nothing to apply
--   COMPENSATED  the effect was undone (reservation released; points debited)
CREATE TABLE IF NOT EXISTS order_effect (
    consumer_group VARCHAR(64) NOT NULL,
    order_id       BIGINT      NOT NULL,
    state          VARCHAR(16) NOT NULL,
    updated_at     DATETIME(3) NOT NULL,
    PRIMARY KEY (consumer_group, order_id),
    CONSTRAINT ck_order_effect_state CHECK (state IN ('NEW', 'APPLIED', 'CANCELLED', 'COMPENSATED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
