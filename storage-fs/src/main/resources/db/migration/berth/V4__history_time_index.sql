-- History retention deletes the oldest events of every registry first; this index lets it find them
-- without reading the whole table.
CREATE INDEX ix_history_time ON history (event_time, id);
