CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABLE regional_sales (id INT NOT NULL, region VARCHAR(10) NOT NULL, PRIMARY KEY (id, region))
  PARTITION BY LIST COLUMNS (region) (
    PARTITION p_east VALUES IN ('east', 'northeast'),
    PARTITION p_west VALUES IN ('west')
  );
