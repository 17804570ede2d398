-- Whether a session has passed its account's second factor (TOTP or a recovery code). A
-- session opened by a password alone, for an account with a second factor or one that must
-- enrol, may only finish signing in. Sessions opened before this migration had no second
-- factor to pass.
ALTER TABLE staff_sessions ADD COLUMN second_factor BOOLEAN NOT NULL DEFAULT TRUE;
