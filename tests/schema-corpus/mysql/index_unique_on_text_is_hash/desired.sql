CREATE TABLE d (id INT PRIMARY KEY, body TEXT, UNIQUE KEY d_body (body));
