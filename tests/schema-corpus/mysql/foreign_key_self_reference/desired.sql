CREATE TABLE nodes (id INT PRIMARY KEY, parent_id INT, CONSTRAINT nodes_parent FOREIGN KEY (parent_id) REFERENCES nodes (id) ON DELETE CASCADE);
