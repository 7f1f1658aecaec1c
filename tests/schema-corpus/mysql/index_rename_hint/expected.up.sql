ALTER TABLE `t` RENAME INDEX `t_email_idx` TO `t_email`;
ALTER TABLE `t` RENAME INDEX `t_name_idx` TO `t_name`;
