-- Berth metadata, version 9: the web console's signed-in sessions. The cookie's value is never stored, only
-- its SHA-256, so that reading this table signs no one in. Kept here rather than in a node's memory so that
-- every node of a cluster takes a session and a sign-out ends it on all of them.
CREATE TABLE console_sessions (
    id_hash    VARCHAR(64)              NOT NULL,
    csrf_token VARCHAR(64)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_console_sessions PRIMARY KEY (id_hash)
);
-- Sign-in drops the expired sessions.
CREATE INDEX ix_console_sessions_expiry ON console_sessions (expires_at);
