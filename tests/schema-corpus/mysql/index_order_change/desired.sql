CREATE TABLE posts (id INT PRIMARY KEY, author_id INT NOT NULL, published_at DATETIME, INDEX posts_author_published (author_id, published_at DESC));
