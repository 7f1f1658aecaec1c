CREATE TABLE users (
    user_id INT PRIMARY KEY AUTO_INCREMENT, -- @renamed from=id
    name VARCHAR(100) NOT NULL
);
CREATE TABLE posts (
    id INT PRIMARY KEY AUTO_INCREMENT,
    user_id INT NOT NULL,
    CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (user_id)
);
