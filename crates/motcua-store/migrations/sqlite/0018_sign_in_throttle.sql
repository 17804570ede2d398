-- Sign-in attempts, counted before the password is checked: per account name (known or
-- not), per source address, and per pair. `window_start` is in Unix seconds; a count older
-- than the window starts again at one.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
