CREATE TYPE mood AS ENUM ( -- @renamed from=feeling
    'glad',
    'sad'
);
CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'glad', ms mood[]);
