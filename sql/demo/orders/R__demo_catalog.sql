-- Demo catalog for the local stack and compose, never for production: the same SKUs are
-- stocked by sql/demo/consumer/R__demo_stock.sql. Re-applied when this file changes, so
-- names and prices follow it.
INSERT INTO catalog_item (sku, name, price, currency) VALUES
    ('BOOK-001', 'The Pragmatic Programmer', 39.90, 'EUR'),
    ('BOOK-002', 'Designing Data-Intensive Applications', 44.50, 'EUR'),
    ('MUG-001', 'RocketMQ mug', 12.00, 'EUR'),
    ('TSHIRT-M', 'T-shirt, size M', 19.99, 'EUR'),
    ('STICKER-1', 'Sticker pack', 3.50, 'EUR'),
    ('LAST-ONE', 'A collector''s item with one unit left', 250.00, 'EUR'),
    ('NOTEBOOK-A5', 'Notebook, A5, dotted', 12.50, 'EUR')
ON DUPLICATE KEY UPDATE name = VALUES(name), price = VALUES(price), currency = VALUES(currency);
