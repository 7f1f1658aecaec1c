CREATE TABLE posts (id INT PRIMARY KEY, author_id INT);
