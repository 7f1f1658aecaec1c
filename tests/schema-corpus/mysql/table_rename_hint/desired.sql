-- @renamed from=people
CREATE TABLE users (
    id INT PRIMARY KEY,
    name VARCHAR(50)
);
