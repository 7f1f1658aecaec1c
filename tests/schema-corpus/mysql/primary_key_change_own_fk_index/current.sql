CREATE TABLE orders (id INT NOT NULL PRIMARY KEY);
CREATE TABLE order_items (order_id INT NOT NULL, line INT NOT NULL, PRIMARY KEY (order_id, line), CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id));
