-- The header words an organisation's office has taught the import (表头同义词): a column
-- of one of its ledgers that it mapped to a field in the preview, or confirmed it does
-- not import ('ignore'). Read before the built-in words on every later import; changed
-- and withdrawn through the trail, never deleted.
CREATE TABLE header_words (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    word TEXT NOT NULL,
    field TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX header_words_org ON header_words(org_id, word);
