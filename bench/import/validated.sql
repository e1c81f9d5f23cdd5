-- validated.sql: the pure-SQL validated load that thads-import is
-- measured against (bench/import/run).  The generated file, gen.csv in
-- the current directory, goes into an untyped staging table with the
-- sqlite3 shell's .import, then into a typed table whose constraints do
-- the checking: a unique key on the person and the admission, real
-- dates, and no admission before birth.  One transaction, as
-- thads-import.
.bail on
BEGIN;
CREATE TABLE raw (pid, natid, name, birth, sex, facility, status,
    admitted, level);
.import --csv --skip 1 gen.csv raw
CREATE TABLE admission (
  person_id TEXT NOT NULL,
  national_id TEXT NOT NULL,
  name TEXT NOT NULL,
  birth_date TEXT NOT NULL CHECK (date(birth_date) IS NOT NULL),
  sex TEXT NOT NULL,
  facility TEXT NOT NULL,
  status TEXT NOT NULL,
  admitted TEXT NOT NULL CHECK (datetime(admitted) IS NOT NULL),
  custody_level TEXT,
  CHECK (admitted > birth_date),
  UNIQUE (person_id, admitted)
) STRICT;
INSERT INTO admission SELECT * FROM raw;
COMMIT;
SELECT count(*) FROM admission;
