-- Version 2 of the kit's tables: an order effect can be CONFIRMED, the third step of a TCC
-- participant (Try APPLIED, then Confirm CONFIRMED or Cancel COMPENSATED).
ALTER TABLE order_effect
    DROP CONSTRAINT ck_order_effect_state,
    ADD CONSTRAINT ck_order_effect_state CHECK (state IN ('NEW', 'APPLIED', 'CONFIRMED', 'CANCELLED', 'COMPENSATED'));
