CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id));
CREATE TABLE order_lines (order_id int REFERENCES orders ON DELETE CASCADE, line int, PRIMARY KEY (order_id, line));
