CREATE TABLE loose (a, b, c);
