#!/bin/sh
# thads-report sql: an analyst's query on a read-only connection with an
# authorizer: reads work in every format, and nothing else gets through.
. "$(dirname "$0")/lib.sh"

expect_ok 'the dossier loads' "
	thads-import -q --today 2024-06-30 '$TESTDATA/report/dossier.csv'"
sha256sum thads.db >before.sum

sql() {
	thads-report -f csv sql "$1"
}

expect_ok 'a query, in csv' "
	sql 'SELECT status, count(*) AS n FROM episode GROUP BY status
	    ORDER BY status' | tr -d '\r' >q.out &&
	head -2 q.out >q.top &&
	printf 'status,n\nconditional_release,1\n' >q.expected &&
	test_cmp q.expected q.top"
expect_ok 'types from the first row: numbers are numbers in jsonl' "
	thads-report -f jsonl sql \"SELECT 1 AS a, 2.5 AS b, 'x' AS c,
	    '2024-01-31' AS d\" >j.out &&
	grep -q '^{\"a\":1,\"b\":2.5,\"c\":\"x\",\"d\":\"2024-01-31\",\"report\":\"sql\"' j.out"
expect_ok 'names every format takes, made unique' "
	sql 'SELECT 1, 1, count(*), avg(id + 1), count(*) FROM person' |
	tr -d '\r' | head -1 >n.out &&
	echo 'c1,c1_2,count,avg_id_1,count_2' >n.expected &&
	test_cmp n.expected n.out"
expect_ok 'PRAGMA statements that read' "
	sql 'PRAGMA table_info(person)' | grep -q national_id &&
	sql 'PRAGMA user_version' | tr -d '\r' | tail -1 | grep -qx '[0-9]*'"
expect_ok 'a recursive query' "
	sql 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < 5) SELECT sum(i) FROM n' | tr -d '\r' | tail -1 |
	grep -qx 15"
expect_ok 'a query in xlsx and html' "
	thads-report -f xlsx -o q.xlsx sql 'SELECT * FROM facility' &&
	thads-report -f html sql 'SELECT * FROM facility' | grep -q '<td>P-A</td>'"

for bad in \
    "INSERT INTO person (id, created_at, updated_at) VALUES (99, 'x', 'x')" \
    "UPDATE person SET sex = 'male'" \
    "DELETE FROM episode" \
    "CREATE TABLE t (x)" \
    "CREATE TEMP TABLE t (x)" \
    "CREATE TEMP VIEW v AS SELECT 1" \
    "DROP TABLE audit" \
    "ATTACH 'other.db' AS o" \
    "DETACH main" \
    "PRAGMA user_version = 7" \
    "PRAGMA journal_mode = delete" \
    "PRAGMA writable_schema = 1" \
    "BEGIN" \
    "VACUUM" \
    "VACUUM INTO 'copy.db'" \
    "ANALYZE" \
    "REINDEX" \
    "SELECT load_extension('/tmp/nothing')" \
    "SELECT name FROM pragma_table_info('person')" \
    "INSERT INTO person SELECT * FROM person"; do
	expect_fail 65 "refused: $bad" "sql \"$bad\""
done
expect_fail 64 'one statement only' "sql 'SELECT 1; DELETE FROM person'"
expect_fail 64 'no statement' "sql ' -- nothing'"
expect_fail 64 'sql takes no report options' "
	thads-report --by sex sql 'SELECT 1'"
expect_ok 'nothing was written, no file was made' "
	sha256sum -c before.sum && [ ! -e other.db ] && [ ! -e copy.db ]"
expect_ok 'a refusal says what was refused' "
	sql 'ATTACH \"x.db\" AS x' 2>a.err; grep -q 'refused: attach' a.err"

test_done
