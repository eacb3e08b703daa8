-- PostgreSQL only (quarkus.flyway.pg.locations): partial indexes for the runner-item queue. Every change of an
-- item's state writes a new row version, and each index whose predicate the new version meets gets an entry; with
-- these, a pending item is in the queue index only, a leased one in the lease index only, a finished one in the
-- purge index only. H2 has no partial indexes and keeps the full ones of V2.
DROP INDEX runner_items_queue;
DROP INDEX runner_items_state_lease;
DROP INDEX runner_items_finished;
CREATE INDEX runner_items_pending ON runner_items (user_id, pk) WHERE state = 'PENDING';
CREATE INDEX runner_items_leased ON runner_items (lease_expires_at) WHERE state = 'LEASED';
CREATE INDEX runner_items_finished ON runner_items (finished_at) WHERE finished_at IS NOT NULL;
