CREATE TABLE pages (id INT PRIMARY KEY, slug VARCHAR(200) NOT NULL, body TEXT, INDEX pages_slug (slug(30)), INDEX pages_body (body(20) DESC, id));
