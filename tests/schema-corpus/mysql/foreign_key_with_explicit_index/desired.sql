CREATE TABLE users (
    id INT PRIMARY KEY AUTO_INCREMENT,
    name VARCHAR(100) NOT NULL
);
CREATE TABLE posts (
    id INT PRIMARY KEY AUTO_INCREMENT,
    user_id INT NOT NULL,
    INDEX posts_user_idx (user_id),
    CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
);
