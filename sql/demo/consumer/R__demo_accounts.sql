-- Demo money for the local stack and compose, never for production: customer 'demo' (the
-- local stack's signed-in customer) starts with 1,000.00 EUR, deposited once. The ledger row
-- is written only with the account it opens, so the balance always equals the ledger's sum,
-- and a re-run (or an account the customer already has) changes nothing.
INSERT INTO account_ledger (customer_id, entry_type, amount, balance_change, frozen_change, deposit_key, created_at)
SELECT 'demo', 'DEPOSIT', 1000.00, 1000.00, 0, 'demo-seed', CURRENT_TIMESTAMP(3)
FROM DUAL
WHERE NOT EXISTS (SELECT 1 FROM account WHERE customer_id = 'demo');

INSERT IGNORE INTO account (customer_id, currency, balance, frozen, created_at, updated_at)
VALUES ('demo', 'EUR', 1000.00, 0, CURRENT_TIMESTAMP(3), CURRENT_TIMESTAMP(3));
