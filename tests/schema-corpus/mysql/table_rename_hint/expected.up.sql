RENAME TABLE `people` TO `users`;
