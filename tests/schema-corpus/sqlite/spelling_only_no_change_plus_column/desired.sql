CREATE TABLE t (
  id integer PRIMARY KEY,
  a int CHECK ( a > 0 ),
  b text DEFAULT 'x',
  c text
);
