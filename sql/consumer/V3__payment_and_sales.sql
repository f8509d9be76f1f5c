-- Version 3 of the consumer database (issue "Payment as TCC in the order saga").
-- Group payment: accounts, the holds its Try freezes, and a ledger of every movement.
-- Group inventory: a reservation is sold when the order is confirmed, and restocked when a
-- confirmed order is cancelled.

-- One account per customer, in one currency (set by its first deposit). balance is the
-- customer's money, frozen the part held for orders not yet confirmed or cancelled; the
-- Try's guarded UPDATE ... WHERE balance - frozen >= ? keeps frozen <= balance, and the
-- CHECKs are the last line of defence. Both always equal the sums of the account's ledger.
CREATE TABLE IF NOT EXISTS account (
    customer_id VARCHAR(64)    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    currency    CHAR(3)        CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    balance     DECIMAL(14, 2) NOT NULL DEFAULT 0,
    frozen      DECIMAL(14, 2) NOT NULL DEFAULT 0,
    created_at  DATETIME(3)    NOT NULL,
    updated_at  DATETIME(3)    NOT NULL,
    CONSTRAINT ck_account_frozen CHECK (frozen >= 0),
    CONSTRAINT ck_account_balance CHECK (balance >= frozen),
    CONSTRAINT ck_account_currency CHECK (currency REGEXP '^[A-Z]{3}$')
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- What payment's Try froze for an order: FROZEN, then CAPTURED (confirmed) or RELEASED
-- (cancelled before); a CAPTURED hold is REFUNDED when the confirmed order is cancelled.
CREATE TABLE IF NOT EXISTS payment_hold (
    order_id    BIGINT         NOT NULL PRIMARY KEY,
    customer_id VARCHAR(64)    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    amount      DECIMAL(14, 2) NOT NULL,
    currency    CHAR(3)        CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status      VARCHAR(16)    NOT NULL,
    created_at  DATETIME(3)    NOT NULL,
    updated_at  DATETIME(3)    NOT NULL,
    KEY idx_payment_hold_customer (customer_id, created_at),
    KEY idx_payment_hold_status (status),
    CONSTRAINT ck_payment_hold_amount CHECK (amount > 0),
    CONSTRAINT ck_payment_hold_status CHECK (status IN ('FROZEN', 'CAPTURED', 'RELEASED', 'REFUNDED'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- An order whose total could not be frozen: an outcome, recorded, not an error.
CREATE TABLE IF NOT EXISTS payment_rejection (
    order_id    BIGINT       NOT NULL PRIMARY KEY,
    customer_id VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason      VARCHAR(255) NOT NULL,
    created_at  DATETIME(3)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Every movement of an account, with what it changed: DEPOSIT (+balance), FREEZE (+frozen),
-- CAPTURE (-balance, -frozen), UNFREEZE (-frozen), REFUND (+balance). An order's movement
-- of each kind happens once (uk_account_ledger_order); a deposit once per Idempotency-Key.
CREATE TABLE IF NOT EXISTS account_ledger (
    id             BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id    VARCHAR(64)    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    entry_type     VARCHAR(16)    NOT NULL,
    amount         DECIMAL(14, 2) NOT NULL,
    balance_change DECIMAL(14, 2) NOT NULL,
    frozen_change  DECIMAL(14, 2) NOT NULL,
    order_id       BIGINT         NULL,
    deposit_key    VARCHAR(64)    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    created_at     DATETIME(3)    NOT NULL,
    UNIQUE KEY uk_account_ledger_order (order_id, entry_type),
    UNIQUE KEY uk_account_ledger_deposit (customer_id, deposit_key),
    KEY idx_account_ledger_customer (customer_id, id),
    CONSTRAINT ck_account_ledger_type CHECK (entry_type IN ('DEPOSIT', 'FREEZE', 'CAPTURE', 'UNFREEZE', 'REFUND')),
    CONSTRAINT ck_account_ledger_amount CHECK (amount > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Units sold: a confirmed order's reservation moves from reserved to sold, so for every SKU
-- available + reserved + sold stays what was stocked (restocking moves sold back).
ALTER TABLE stock
    ADD COLUMN sold INT NOT NULL DEFAULT 0 AFTER reserved,
    ADD CONSTRAINT ck_stock_sold CHECK (sold >= 0);

-- RESERVED -> SOLD (confirmed) -> RESTOCKED (confirmed, then cancelled); RESERVED -> RELEASED.
ALTER TABLE reservation
    DROP CONSTRAINT ck_reservation_status,
    ADD CONSTRAINT ck_reservation_status CHECK (status IN ('RESERVED', 'RELEASED', 'SOLD', 'RESTOCKED'));
