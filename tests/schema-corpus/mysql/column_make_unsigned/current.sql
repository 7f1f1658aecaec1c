CREATE TABLE counters (id INT PRIMARY KEY, hits INT);
