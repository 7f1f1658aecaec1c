CREATE TABLE nodes (id INT PRIMARY KEY, parent_id INT);
