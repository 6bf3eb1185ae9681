-- The BRIN index of created_at no longer asks autovacuum to summarize each block range as it fills.
--
-- Why: with autosummarize on, every insert that starts a new range of 128 pages queues a work item
-- for autovacuum. A burst (a backlog, a bulk load) fills that queue, 256 items for the whole
-- server, and Postgres refuses each further request with a log line and the statement's text:
-- "request for BRIN range summarization for index outbox_created_at_brin page N was not
-- recorded", thousands a minute in the side-by-side benchmark's drains (docs/benchmarks.md).
--
-- Nothing is lost by turning it off: the outbox is vacuumed every 5,000 dead or 10,000 inserted
-- rows (V1), and every vacuum summarizes the ranges that are not yet. Until then, the retention's
-- delete reads a range not summarized as a possible match: the same rows, a few more pages read.

ALTER INDEX outbox_created_at_brin SET (autosummarize = off);
