-- 备案 (D5): the approved plan of an inspection is filed with the upper level.
ALTER TABLE inspections ADD COLUMN plan_filed_on TEXT;
ALTER TABLE inspections ADD COLUMN plan_document TEXT;
