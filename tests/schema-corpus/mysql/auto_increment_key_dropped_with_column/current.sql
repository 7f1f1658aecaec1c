CREATE TABLE friends (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, created_at datetime NOT NULL);
