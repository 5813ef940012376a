-- The audit log's commitment leaves (docs/audit-log.md). Every journal entry has an entry leaf; placements and
-- releases are followed by one node leaf per node. The merkle_node tree now counts leaves, not entries.
DELETE FROM merkle_node;

-- How far the log has integrated the journal, written in the same transaction as the nodes.
CREATE TABLE audit_progress (
    id     INT    NOT NULL PRIMARY KEY,
    seq    BIGINT NOT NULL,
    leaves BIGINT NOT NULL
);
INSERT INTO audit_progress (id, seq, leaves) VALUES (1, 0, 0);

-- Node leaves (their text is not derivable from the entry alone: it chains to the node's previous event).
CREATE TABLE audit_node_leaf (
    node        INT    NOT NULL,
    leaf        BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    time_millis BIGINT NOT NULL,
    holders     INT    NOT NULL,
    data        VARBINARY NOT NULL,
    PRIMARY KEY (node, leaf)
);
CREATE INDEX audit_node_leaf_by_leaf ON audit_node_leaf (leaf);

-- Entries followed by node leaves: [first_leaf, first_leaf + node_leaves). An entry's own leaf index follows from the
-- nearest earlier row, so no row is written for the other entries.
CREATE TABLE audit_event (
    seq        BIGINT NOT NULL PRIMARY KEY,
    first_leaf BIGINT NOT NULL,
    node_leaves INT   NOT NULL
);

-- Jobs holding nodes, so a release names the nodes it frees (survives restarts with the tree).
CREATE TABLE audit_holding (
    job    BIGINT       NOT NULL PRIMARY KEY,
    tenant VARCHAR(200) NOT NULL,
    nodes  VARCHAR(1000000) NOT NULL
);
