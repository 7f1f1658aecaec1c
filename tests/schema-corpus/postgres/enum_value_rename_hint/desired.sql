CREATE TYPE mood AS ENUM (
    'happy', -- @renamed from=glad
    'sad',
    'angry'
);
CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL);
