CREATE TABLE kinds (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    small SMALLINT NOT NULL DEFAULT 0,
    tiny TINYINT(1) NOT NULL DEFAULT 1,
    price DECIMAL(12,2) NOT NULL DEFAULT 0.00,
    ratio DOUBLE,
    code CHAR(3),
    title VARCHAR(200) NOT NULL DEFAULT '',
    body MEDIUMTEXT,
    data BLOB,
    born DATE,
    seen DATETIME(3),
    at_time TIME,
    yr YEAR,
    flags BIT(4)
);
