CREATE TABLE t (id INTEGER PRIMARY KEY, price REAL, CONSTRAINT price_positive CHECK (price > 0));
