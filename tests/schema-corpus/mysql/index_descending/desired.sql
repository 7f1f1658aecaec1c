CREATE TABLE d (id INT PRIMARY KEY, created DATETIME, INDEX d_created (created DESC));
