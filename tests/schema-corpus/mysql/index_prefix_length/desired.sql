CREATE TABLE d (id INT PRIMARY KEY, body TEXT, INDEX d_body (body(20)));
