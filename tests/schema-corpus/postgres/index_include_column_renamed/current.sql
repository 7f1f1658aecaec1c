CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, amount numeric(10, 2));
CREATE INDEX orders_customer ON orders (customer_id DESC) INCLUDE (amount);
