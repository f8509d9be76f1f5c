-- Demo stock for the local stack and compose, for the SKUs of sql/demo/orders/R__demo_catalog.sql.
-- INSERT IGNORE keeps the counts a running stack has already changed.
INSERT IGNORE INTO stock (sku, available) VALUES
    ('BOOK-001', 100),
    ('BOOK-002', 100),
    ('MUG-001', 500),
    ('TSHIRT-M', 50),
    ('STICKER-1', 10000),
    ('LAST-ONE', 1),
    ('NOTEBOOK-A5', 1000);
