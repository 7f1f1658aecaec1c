CREATE SCHEMA ref;
CREATE TABLE ref.countries (code char(2) PRIMARY KEY);
CREATE TABLE shops (id int PRIMARY KEY, country char(2));
