-- Workflow states: PostWorkflowResults with workflowState {"id":"init"} answers a new state id, which later calls
-- pass back. A state belongs to one user's workflow and lives `runner.workflow.state-ttl` after its last use; it is
-- kept here, not in memory, so that any hub replica sharing the store accepts it.
CREATE TABLE workflow_states (
    id            VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    app_id        VARCHAR(128) NOT NULL,
    workflow_id   VARCHAR(256) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX workflow_states_last_used ON workflow_states (last_used_at);
