CREATE TABLE orders (
  id INT PRIMARY KEY,
  state ENUM('open', 'done', 'late') NOT NULL DEFAULT 'open'
);
