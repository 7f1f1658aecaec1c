ALTER INDEX "t_email_idx" RENAME TO "t email";
ALTER INDEX "t_name_idx" RENAME TO "t_name_lower";
