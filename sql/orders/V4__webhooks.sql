-- Version 4 of the order database (issue "Tell the merchant"): webhooks, best-effort
-- notifications of final order outcomes to merchants' HTTP endpoints (docs/webhooks.md).

-- An endpoint the admin registered.
--   event_types             comma-separated event types it wants (order.confirmed,
--                           order.cancelled); NULL: every type
--   status                  ACTIVE: notified; DISABLED: nothing new is written for it and
--                           its pending notifications wait; DELETED: gone from the admin's
--                           list, secrets erased, its pending notifications FAILED
--   secret                  the signing secret (whsec_ + base64), needed to sign, so kept
--   previous_secret         the secret before the last rotation, still signed with until
--                           previous_secret_until (both signatures are sent meanwhile)
--   query_token_sha256      SHA-256 (hex) of the query-back credential (whq_...), which is
--                           shown once and not kept
CREATE TABLE IF NOT EXISTS webhook_endpoint (
    id                    BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    url                   VARCHAR(2048) NOT NULL,
    description           VARCHAR(255)  NULL,
    event_types           VARCHAR(255)  NULL,
    status                VARCHAR(16)   NOT NULL,
    secret                VARCHAR(128)  NULL,
    previous_secret       VARCHAR(128)  NULL,
    previous_secret_until DATETIME(3)   NULL,
    query_token_sha256    CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    created_at            DATETIME(3)   NOT NULL,
    updated_at            DATETIME(3)   NOT NULL,
    UNIQUE KEY uk_webhook_endpoint_query_token (query_token_sha256),
    CONSTRAINT ck_webhook_endpoint_status CHECK (status IN ('ACTIVE', 'DISABLED', 'DELETED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- One notification of one order's final transition (CONFIRMED, CANCELLED) to one endpoint,
-- written in the transition's local transaction for every endpoint active then.
--   webhook_id       the Standard Webhooks message id (msg_...), the same on every retry
--   order_version    orders.version after the transition: grows with every transition
--   payload          the JSON body, exactly as signed and sent
--   status           PENDING until a 2xx (DELIVERED) or the schedule is spent (FAILED)
--   attempts         POSTs started, over the notification's life
--   retry_step       failed attempts since it was written or last redelivered: picks the
--                    wait from the retry schedule
--   next_attempt_at  when a dispatcher may take it; one that takes it moves it a lease ahead
--   lease_owner      that dispatcher's claim: only it may record the attempt's outcome
CREATE TABLE IF NOT EXISTS webhook_notification (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    endpoint_id     BIGINT       NOT NULL,
    webhook_id      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    order_id        BIGINT       NOT NULL,
    event_type      VARCHAR(32)  NOT NULL,
    order_version   INT          NOT NULL,
    payload         TEXT         NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INT          NOT NULL DEFAULT 0,
    retry_step      INT          NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(3)  NOT NULL,
    lease_owner     VARCHAR(64)  NULL,
    last_status     INT          NULL,
    last_error      VARCHAR(512) NULL,
    created_at      DATETIME(3)  NOT NULL,
    finished_at     DATETIME(3)  NULL,
    UNIQUE KEY uk_webhook_notification_id (webhook_id),
    UNIQUE KEY uk_webhook_notification_once (endpoint_id, order_id, order_version),
    KEY idx_webhook_notification_due (endpoint_id, status, next_attempt_at),
    KEY idx_webhook_notification_status (status, created_at),
    KEY idx_webhook_notification_order (order_id),
    CONSTRAINT fk_webhook_notification_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoint (id),
    CONSTRAINT ck_webhook_notification_status CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Every POST a dispatcher started: written before the request, completed after it. An
-- attempt whose dispatcher died before it knew the answer stays without a finish.
--   outcome   IN_FLIGHT, DELIVERED (2xx), REFUSED (another status), ERROR (no answer:
--             refused connection, timeout, a target the address rules refuse)
CREATE TABLE IF NOT EXISTS webhook_attempt (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    notification_id BIGINT       NOT NULL,
    attempt_no      INT          NOT NULL,
    dispatcher      VARCHAR(128) NOT NULL,
    started_at      DATETIME(3)  NOT NULL,
    finished_at     DATETIME(3)  NULL,
    outcome         VARCHAR(16)  NOT NULL,
    http_status     INT          NULL,
    latency_ms      INT          NULL,
    error           VARCHAR(512) NULL,
    KEY idx_webhook_attempt_notification (notification_id, attempt_no),
    CONSTRAINT fk_webhook_attempt_notification FOREIGN KEY (notification_id) REFERENCES webhook_notification (id),
    CONSTRAINT ck_webhook_attempt_outcome CHECK (outcome IN ('IN_FLIGHT', 'DELIVERED', 'REFUSED', 'ERROR'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
