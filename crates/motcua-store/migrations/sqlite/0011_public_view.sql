-- The public lookup's answer kept beside the state (JSON text, written with every change), so
-- a lookup reads a few hundred bytes instead of decoding the whole state. Rows written before
-- this migration have none; the lookup computes theirs from the state.
ALTER TABLE dossiers ADD COLUMN public_view TEXT;
