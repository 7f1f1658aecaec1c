CREATE TABLE authors (id INT PRIMARY KEY);
CREATE TABLE posts (id INT PRIMARY KEY, author_id INT, CONSTRAINT posts_author FOREIGN KEY (author_id) REFERENCES authors (id));
