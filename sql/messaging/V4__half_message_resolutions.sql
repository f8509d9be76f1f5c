-- Version 4 of the kit's tables: what an operator did with the half messages the broker
-- discarded into TRANS_CHECK_MAX_TIME_TOPIC after transactionCheckMax check-backs without a
-- final answer (the broker neither commits nor rolls them back). Resolving one applies the
-- barrier's answer: COMMIT delivers the original message to its topic once (consumers
-- dedupe), ROLLBACK (or no transaction record, which the barrier then records as rolled
-- back) drops it. One row per discarded message, so a second resolve changes nothing.
--   broker_name, discard_offset  where the broker keeps the discarded copy (queue 0)
--   message_id       the message's id (its UNIQ_KEY), the same on the delivered copy
--   barrier_answer   COMMIT, ROLLBACK, or NO_TX_ID (no txId property: not the kit's message)
--   action           DELIVERED or DROPPED
--   delivered_id     the broker's offset id of the delivered copy
--   resolved_by      the admin user and the process that resolved it
CREATE TABLE IF NOT EXISTS half_message_resolution (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    broker_name     VARCHAR(128) NOT NULL,
    discard_offset  BIGINT       NOT NULL,
    message_id      VARCHAR(64)  NOT NULL,
    tx_id           VARCHAR(64)  NULL,
    producer_group  VARCHAR(255) NOT NULL,
    topic           VARCHAR(127) NOT NULL,
    tag             VARCHAR(64)  NULL,
    message_key     VARCHAR(128) NULL,
    barrier_answer  VARCHAR(16)  NOT NULL,
    action          VARCHAR(16)  NOT NULL,
    delivered_id    VARCHAR(64)  NULL,
    resolved_by     VARCHAR(255) NOT NULL,
    resolved_at     DATETIME(3)  NOT NULL,
    UNIQUE KEY uk_half_message_resolution (broker_name, discard_offset),
    KEY idx_half_message_resolution_message (message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
