CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total numeric(10, 2) -- @renamed from=amount
);
CREATE INDEX orders_customer ON orders (customer_id DESC) INCLUDE (total);
