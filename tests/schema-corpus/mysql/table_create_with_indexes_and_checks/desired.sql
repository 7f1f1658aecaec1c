CREATE TABLE orders (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    ref CHAR(8) NOT NULL,
    note TEXT,
    qty INT NOT NULL DEFAULT 1,
    CONSTRAINT orders_ref UNIQUE (ref),
    CONSTRAINT orders_qty CHECK (qty BETWEEN 1 AND 100),
    INDEX orders_qty_idx (qty),
    FULLTEXT INDEX orders_note_ft (note)
) COMMENT 'orders';
