-- 三色预警 in the group chat: which colours the organisation's robot posts (codes
-- separated by commas: green, yellow, red). A group set up before posted every colour,
-- and keeps doing so until the office says otherwise. The weekly roll call (叫号) is
-- posted whatever the colours.
ALTER TABLE org_channels ADD COLUMN robot_colours TEXT NOT NULL DEFAULT 'green,yellow,red';
