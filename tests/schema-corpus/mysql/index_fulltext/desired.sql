CREATE TABLE articles (id INT PRIMARY KEY, body TEXT, FULLTEXT INDEX articles_body_ft (body));
