CREATE TABLE `order` (`select` INT PRIMARY KEY, `Mixed Case` VARCHAR(10));
