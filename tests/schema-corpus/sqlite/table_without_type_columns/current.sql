CREATE TABLE loose (a, b);
