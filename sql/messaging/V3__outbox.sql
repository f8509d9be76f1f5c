-- Version 3 of the kit's tables: the local message table (outbox). A publisher writes a row
-- here, in the same local transaction as its business rows, when the broker cannot take the
-- half message (unreachable, or the circuit breaker open) or when the publisher is set to
-- outbox-only mode. The relay (OutboxRelay) publishes each row later as a transactional
-- message whose local transaction deletes the row, so a row is published once; a row that
-- is here is an event not yet published.
--   tx_id            the local transaction that wrote the row (its transaction_record row)
--   reason           why it was not published at once: UNREACHABLE, BREAKER_OPEN, ALWAYS
--   attempts         failed relay attempts so far (no maximum: a committed event is never dropped)
--   next_attempt_at  when a relay may take it; a relay that takes it moves it a lease ahead
--   lease_owner      the relay's claim, so a relay whose lease ran out cannot delete it
CREATE TABLE IF NOT EXISTS outbox_message (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tx_id           VARCHAR(64)  NOT NULL,
    topic           VARCHAR(127) NOT NULL,
    tag             VARCHAR(64)  NOT NULL,
    message_key     VARCHAR(128) NOT NULL,
    body            MEDIUMBLOB   NOT NULL,
    reason          VARCHAR(16)  NOT NULL,
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(3)  NOT NULL,
    lease_owner     VARCHAR(64)  NULL,
    last_error      VARCHAR(512) NULL,
    created_at      DATETIME(3)  NOT NULL,
    UNIQUE KEY uk_outbox_message_tx (tx_id),
    KEY idx_outbox_message_due (next_attempt_at),
    KEY idx_outbox_message_key (message_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
