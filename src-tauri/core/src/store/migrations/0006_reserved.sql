-- Reserved for another branch's migration (number 6). This placeholder keeps the numbering
-- without gaps on the branch that added 0007; it changes nothing. When the other 0006 lands,
-- this file is dropped in the merge.
SELECT 1;
