-- Demo stock for the SKUs of sql/orders/02-demo-catalog.sql. INSERT IGNORE keeps existing counts.
INSERT IGNORE INTO stock (sku, available) VALUES
    ('BOOK-001', 100),
    ('BOOK-002', 100),
    ('MUG-001', 500),
    ('TSHIRT-M', 50),
    ('STICKER-1', 10000),
    ('LAST-ONE', 1);
