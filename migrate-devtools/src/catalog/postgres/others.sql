-- One row per object beside the tables: kind, namespace, name, definition,
-- the oid of the table a trigger is on (0 otherwise), the table it belongs
-- to (namespace, name), what it depends on (pg_depend: namespaces and
-- names), and the statements that set its state (comment, disabled trigger).
-- Sequences owned by a column (serial, identity, OWNED BY) have an auto or
-- internal dependency on it and are not listed; neither are plpgsql,
-- present in every database, internal triggers (foreign keys), nor objects
-- that belong to an extension.
WITH deps AS (
    -- A view's rule stands for the view, a domain's constraint for the
    -- domain (what its CHECK calls).
    SELECT CASE WHEN d.classid = 'pg_rewrite'::regclass THEN 'pg_class'::regclass::oid
                WHEN d.classid = 'pg_constraint'::regclass THEN 'pg_type'::regclass::oid
                ELSE d.classid END AS classid,
           CASE WHEN d.classid = 'pg_rewrite'::regclass THEN r.ev_class
                WHEN d.classid = 'pg_constraint'::regclass THEN k.contypid
                ELSE d.objid END AS objid,
           COALESCE(rn.nspname, pn.nspname)::text AS sch,
           COALESCE(rc.relname::text, p.proname || '(' || oidvectortypes(p.proargtypes) || ')') AS name
    FROM pg_depend d
    LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
    LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
    LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass AND rc.oid = d.refobjid
                           AND d.refobjsubid >= 0
    LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    LEFT JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid
    LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
    WHERE d.deptype = 'n'
      AND d.classid IN ('pg_rewrite'::regclass, 'pg_trigger'::regclass, 'pg_proc'::regclass,
                        'pg_class'::regclass, 'pg_policy'::regclass, 'pg_constraint'::regclass)
      AND (d.classid <> 'pg_constraint'::regclass OR k.contypid <> 0)
      AND (rc.oid IS NOT NULL OR p.oid IS NOT NULL)
      AND COALESCE(rn.nspname, pn.nspname) <> 'information_schema'
      AND COALESCE(rn.nspname, pn.nspname) !~ '^pg_'
),
objects AS (
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'
                          ELSE 'partition' END AS kind,
           n.nspname::text AS sch, c.relname::text AS name,
           CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true)
                WHEN c.relkind = 'S' THEN
                  (SELECT 'AS ' || format_type(s.seqtypid, NULL)
                          || ' INCREMENT BY ' || s.seqincrement
                          || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax
                          || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
                          || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
                   FROM pg_sequence s WHERE s.seqrelid = c.oid)
                -- A partition: its bounds (and its own key, partitioned in turn).
                WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid)
                  || COALESCE(' PARTITION BY ' || pg_get_partkeydef(c.oid), '')
           END AS def,
           -- A partition belongs to its parent (left out with it when the
           -- parent is excluded).
           COALESCE(pp.oid::int8, 0) AS trigger_rel,
           pp.nspname::text AS on_sch, pp.relname::text AS on_name,
           'pg_class'::regclass::oid AS classid, c.oid AS objid,
           array_remove(ARRAY[
             'COMMENT ON '
               || CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                 WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                 ELSE 'TABLE' END
               || ' ' || c.oid::regclass || ' IS '
               || quote_literal(obj_description(c.oid, 'pg_class'))
           ], NULL) AS settings
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN LATERAL (SELECT p.oid, pn.nspname, p.relname
                       FROM pg_inherits i
                       JOIN pg_class p ON p.oid = i.inhparent
                       JOIN pg_namespace pn ON pn.oid = p.relnamespace
                       WHERE i.inhrelid = c.oid AND c.relispartition) pp ON true
    WHERE (c.relkind IN ('v', 'm', 'S', 'f') OR (c.relkind IN ('r', 'p') AND c.relispartition))
      AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend o
          WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid
            AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i')))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                        AND e.objid = c.oid AND e.deptype = 'e')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    UNION ALL
    SELECT CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                          WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
           n.nspname::text, p.proname || '(' || oidvectortypes(p.proargtypes) || ')',
           CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END,
           0::int8, NULL, NULL, 'pg_proc'::regclass::oid, p.oid,
           array_remove(ARRAY[
             'COMMENT ON '
               || CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                                 ELSE 'FUNCTION' END
               || ' ' || p.oid::regprocedure || ' IS '
               || quote_literal(obj_description(p.oid, 'pg_proc'))
           ], NULL)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass
                        AND e.objid = p.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'trigger', n.nspname::text, t.tgname || ' on ' || c.relname,
           pg_get_triggerdef(t.oid, true), c.oid::int8, n.nspname::text, c.relname::text,
           'pg_trigger'::regclass::oid, t.oid,
           array_remove(ARRAY[
             'ALTER TABLE ' || c.oid::regclass || ' '
               || CASE t.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA'
                                   WHEN 'A' THEN 'ENABLE ALWAYS' END
               || ' TRIGGER ' || quote_ident(t.tgname),
             'COMMENT ON TRIGGER ' || quote_ident(t.tgname) || ' ON ' || c.oid::regclass
               || ' IS ' || quote_literal(obj_description(t.oid, 'pg_trigger'))
           ], NULL)
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    -- A partition's copy of its parent's trigger (tgparentid, PostgreSQL
    -- 13 on) comes with the partition.
    WHERE NOT t.tgisinternal
      AND COALESCE((to_jsonb(t) ->> 'tgparentid')::oid, 0) = 0
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_trigger'::regclass
                        AND e.objid = t.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'policy', n.nspname::text, pol.polname || ' on ' || c.relname,
           format('CREATE POLICY %I ON %s AS %s FOR %s TO %s', pol.polname, c.oid::regclass,
                  CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                  CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                                  WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                  COALESCE((SELECT string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC'
                                                   ELSE quote_ident(a.rolname) END, ', '
                                              ORDER BY a.rolname NULLS FIRST)
                            FROM unnest(pol.polroles) r(oid)
                            LEFT JOIN pg_roles a ON a.oid = r.oid), 'PUBLIC'))
             || COALESCE(' USING (' || pg_get_expr(pol.polqual, pol.polrelid) || ')', '')
             || COALESCE(' WITH CHECK (' || pg_get_expr(pol.polwithcheck, pol.polrelid) || ')', ''),
           0::int8, n.nspname::text, c.relname::text, 'pg_policy'::regclass::oid, pol.oid,
           array_remove(ARRAY[
             'COMMENT ON POLICY ' || quote_ident(pol.polname) || ' ON ' || c.oid::regclass
               || ' IS ' || quote_literal(obj_description(pol.oid, 'pg_policy'))
           ], NULL)
    FROM pg_policy pol
    JOIN pg_class c ON c.oid = pol.polrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    UNION ALL
    SELECT 'rule', n.nspname::text, r.rulename || ' on ' || c.relname,
           pg_get_ruledef(r.oid, true), 0::int8, n.nspname::text, c.relname::text,
           'pg_rewrite'::regclass::oid, r.oid,
           array_remove(ARRAY[
             'COMMENT ON RULE ' || quote_ident(r.rulename) || ' ON ' || c.oid::regclass
               || ' IS ' || quote_literal(obj_description(r.oid, 'pg_rewrite')),
             'ALTER TABLE ' || c.oid::regclass || ' '
               || CASE r.ev_enabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA'
                                    WHEN 'A' THEN 'ENABLE ALWAYS' END
               || ' RULE ' || quote_ident(r.rulename)
           ], NULL)
    FROM pg_rewrite r
    JOIN pg_class c ON c.oid = r.ev_class
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    UNION ALL
    SELECT 'row level security', n.nspname::text, c.relname::text,
           concat_ws(' ', CASE WHEN c.relrowsecurity THEN 'ENABLE' END,
                          CASE WHEN c.relforcerowsecurity THEN 'FORCE' END),
           0::int8, n.nspname::text, c.relname::text, 0::oid, 0::oid, '{}'::text[]
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND c.relkind IN ('r', 'p')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    UNION ALL
    SELECT 'table setting', n.nspname::text, s.setting || ' on ' || c.relname, s.def,
           0::int8, n.nspname::text, c.relname::text, 0::oid, 0::oid, '{}'::text[]
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL (
        SELECT 'unlogged' AS setting, 'SET UNLOGGED' AS def WHERE c.relpersistence = 'u'
        UNION ALL
        SELECT split_part(o, '=', 1), 'SET (' || o || ')' FROM unnest(c.reloptions) o
        UNION ALL
        SELECT 'replica identity', 'REPLICA IDENTITY '
               || CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING'
                  ELSE 'USING INDEX ' || (SELECT quote_ident(ic.relname) FROM pg_index i
                                         JOIN pg_class ic ON ic.oid = i.indexrelid
                                         WHERE i.indrelid = c.oid AND i.indisreplident) END
        WHERE c.relreplident <> 'd'
    ) s
    WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type'
                          ELSE 'composite type' END,
           n.nspname::text, t.typname::text,
           CASE t.typtype
             WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod)
               || COALESCE(' COLLATE ' || quote_ident(co.collname), '')
             WHEN 'r' THEN (SELECT 'subtype ' || format_type(r.rngsubtype, NULL)
                            FROM pg_range r WHERE r.rngtypid = t.oid)
             ELSE (SELECT string_agg(quote_ident(a.attname) || ' '
                                     || format_type(a.atttypid, a.atttypmod), ', '
                                     ORDER BY a.attnum)
                   FROM pg_attribute a
                   WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
           END,
           0::int8, NULL, NULL, 'pg_type'::regclass::oid, t.oid,
           -- A domain's default, NOT NULL and constraints are settings:
           -- each changes alone (ALTER DOMAIN), the type stays.
           array_remove(ARRAY[
             'ALTER DOMAIN ' || t.oid::regtype || ' SET DEFAULT '
               || CASE t.typtype WHEN 'd' THEN pg_get_expr(t.typdefaultbin, 0) END,
             CASE WHEN t.typtype = 'd' AND t.typnotnull
                  THEN 'ALTER DOMAIN ' || t.oid::regtype || ' SET NOT NULL' END
           ], NULL)
           || COALESCE((SELECT array_agg('ALTER DOMAIN ' || t.oid::regtype || ' ADD CONSTRAINT '
                                         || quote_ident(k.conname) || ' '
                                         || pg_get_constraintdef(k.oid, true)
                                         ORDER BY k.conname)
                        FROM pg_constraint k
                        WHERE k.contypid = t.oid AND k.contype = 'c'), '{}')
           || array_remove(ARRAY[
             'COMMENT ON ' || CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END
               || ' ' || t.oid::regtype || ' IS '
               || quote_literal(obj_description(t.oid, 'pg_type'))
           ], NULL)
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_collation co ON co.oid = t.typcollation AND t.typtype = 'd'
      AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
    LEFT JOIN pg_class tc ON tc.oid = t.typrelid
    WHERE (t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass
                        AND e.objid = t.oid AND e.deptype = 'e')
    UNION ALL
    -- An enum's comment (the enum itself is the model's).
    SELECT 'type comment', n.nspname::text, t.typname::text,
           quote_literal(obj_description(t.oid, 'pg_type')),
           0::int8, NULL, NULL, 'pg_type'::regclass::oid, t.oid, '{}'::text[]
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' AND obj_description(t.oid, 'pg_type') IS NOT NULL
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass
                        AND e.objid = t.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'extension', 'public', x.extname::text, 'VERSION ' || quote_literal(x.extversion),
           0::int8, NULL, NULL, 'pg_extension'::regclass::oid, x.oid,
           array_remove(ARRAY[
             'COMMENT ON EXTENSION ' || quote_ident(x.extname) || ' IS '
               || quote_literal(obj_description(x.oid, 'pg_extension'))
           ], NULL)
    FROM pg_extension x WHERE x.extname <> 'plpgsql'
),
-- Dependencies grouped once, then joined: a subquery per object would
-- scan them once per object.
grouped AS (
    SELECT classid, objid, array_agg(sch ORDER BY sch, name) AS schs,
           array_agg(name ORDER BY sch, name) AS names
    FROM deps GROUP BY classid, objid
)
SELECT o.kind, o.sch, o.name, o.def, o.trigger_rel, o.on_sch, o.on_name,
       COALESCE(g.schs, '{}'), COALESCE(g.names, '{}'), o.settings
FROM objects o
LEFT JOIN grouped g ON g.classid = o.classid AND g.objid = o.objid
