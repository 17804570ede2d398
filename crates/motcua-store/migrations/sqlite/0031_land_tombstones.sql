-- A version's row is no longer written again once inserted: a version ends where its
-- successor (the next version number) begins, and an object retired without a successor
-- gets a closing row, a tombstone: the next number, beginning and ending at the retirement,
-- so it holds at no instant. A change is then inserts only, and ending the old version no
-- longer rewrites a random page of the register in the approving step's commit; two changes
-- racing on one object insert the same next version and the primary key refuses the second.
-- Expand only: the rows ended before keep their `end_at` (it equals their successor's
-- beginning, which the reads check too), so the previous release still reads them right;
-- the objects retired before get their tombstone here.
INSERT INTO land_versions (object_kind, object_id, version, begin_at, end_at, dossier, keyed, value)
SELECT v.object_kind, v.object_id, v.version + 1, v.end_at, v.end_at, NULL, 0, v.value
FROM land_versions v
WHERE v.end_at IS NOT NULL
  AND v.end_at <> v.begin_at
  AND NOT EXISTS (
    SELECT 1 FROM land_versions s WHERE s.object_id = v.object_id AND s.version = v.version + 1
  );
