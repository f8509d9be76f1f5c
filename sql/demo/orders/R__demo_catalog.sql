-- Demo catalog: the same SKUs are stocked by sql/consumer/02-demo-stock.sql.
INSERT IGNORE INTO catalog_item (sku, name) VALUES
    ('BOOK-001', 'The Pragmatic Programmer'),
    ('BOOK-002', 'Designing Data-Intensive Applications'),
    ('MUG-001', 'RocketMQ mug'),
    ('TSHIRT-M', 'T-shirt, size M'),
    ('STICKER-1', 'Sticker pack'),
    ('LAST-ONE', 'A collector''s item with one unit left');
