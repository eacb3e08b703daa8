-- The agent's outbox: a finished item's MultiOutputResponse is stored here before it is posted to the upstream hub,
-- and deleted once the hub took it (or said it never will). Rows left by a crash are posted after the restart.
CREATE TABLE agent_outbox (
    runner_id   VARCHAR(128) NOT NULL,
    item_id     VARCHAR(256) NOT NULL,
    response    BYTEA NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts    INTEGER NOT NULL,
    PRIMARY KEY (runner_id, item_id)
);
