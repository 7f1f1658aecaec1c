CREATE TABLE accounts (id INT NOT NULL, region INT NOT NULL DEFAULT 0, PRIMARY KEY (id));
CREATE TABLE invoices (id INT NOT NULL PRIMARY KEY, account_id INT NOT NULL, CONSTRAINT invoices_account FOREIGN KEY (account_id) REFERENCES accounts (id));
