CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total numeric(10, 2), status text, paid boolean);
CREATE INDEX orders_customer ON orders (customer_id) INCLUDE (total, status);
CREATE INDEX orders_kept ON orders (status) INCLUDE (total, customer_id);
CREATE UNIQUE INDEX orders_unpaid ON orders (customer_id, id DESC) INCLUDE (total) WHERE NOT paid;
