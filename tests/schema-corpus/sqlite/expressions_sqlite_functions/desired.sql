CREATE TABLE docs (
  id INTEGER PRIMARY KEY,
  data TEXT CHECK (json_valid(data)),
  code TEXT CHECK (code GLOB '[A-Z]*' AND length(trim(code)) BETWEEN 1 AND 8),
  kind TEXT AS (json_extract(data, '$.kind')) VIRTUAL,
  label TEXT AS (CASE WHEN code LIKE 'X!_%' ESCAPE '!' THEN 'x' ELSE lower(code) END) STORED
);
CREATE INDEX docs_kind ON docs (json_extract(data, '$.kind'), CAST(code AS INTEGER));
