#!/bin/sh
# thads-report formats: the same figures in csv, xlsx (read back with
# openpyxl), jsonl, xml, table and html; the definition travels with
# them; --bom, --meta, -o.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3	# Debian's, with python3-openpyxl
expect_ok 'the dossier loads' "
	thads-import -q --today 2024-06-30 '$TESTDATA/report/dossier.csv' \
	    '$TESTDATA/report/records.csv'"
A='--as-of 2024-06-30 --from 2023-01-01 --to 2023-12-31'

expect_ok 'xlsx: one sheet per report, in order' "
	thads-report $A -f xlsx -o w.xlsx population flow recidivism &&
	$PY -c \"import openpyxl; print(openpyxl.load_workbook('w.xlsx')
	    .sheetnames)\" >s.out &&
	echo \"['population', 'flow', 'recidivism']\" >s.expected &&
	test_cmp s.expected s.out"

# Dump a sheet's table (below its metadata) as csv, typed values shown
# with their Python types; and its metadata as key=value.
cat >dump.py <<'X'
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb[sys.argv[2]]
rows = list(ws.iter_rows(values_only=True))
head = next(i for i, r in enumerate(rows) if r[0] is not None and
    ws.cell(i + 1, 1).font.b and ws.cell(i + 1, 1).fill.fgColor.rgb ==
    'FF1F4E79')
def show(v):
    if v is None: return ''
    if isinstance(v, datetime.datetime): return v.strftime('%Y-%m-%d')
    if isinstance(v, float): return '%.1f' % v
    return str(v)
if sys.argv[3] == 'table':
    for r in rows[head:]:
        print(','.join(show(v) for v in r))
elif sys.argv[3] == 'meta':
    for r in rows[1:head]:
        if r[0] is not None: print('%s=%s' % (r[0], r[1]))
elif sys.argv[3] == 'types':
    r = rows[head + 1]
    print(' '.join(type(v).__name__ for v in r))
    print('freeze=%s filter=%s' % (ws.freeze_panes, ws.auto_filter.ref))
    w = [ws.column_dimensions[c].width for c in 'ABC']
    print('widths>8=%s' % all(x and x > 8 for x in w))
X

expect_ok 'xlsx: the flow sheet holds the csv figures' "
	thads-report $A -f csv flow | tr -d '\r' >flow.csv &&
	$PY dump.py w.xlsx flow table >flow.x && test_cmp flow.csv flow.x"
expect_ok 'xlsx: the recidivism sheet too (empty cells for windows not
started)' "
	thads-report $A -f csv recidivism | tr -d '\r' >r.csv &&
	$PY dump.py w.xlsx recidivism table >r.x && test_cmp r.csv r.x"
expect_ok 'xlsx: dates are dates, counts are numbers, the header frozen
and filtered, columns widened' "
	$PY dump.py w.xlsx flow types >t.out &&
	head -1 t.out | grep -q '^str datetime datetime int int int' &&
	grep -qx 'freeze=A10 filter=A9:R22' t.out &&
	grep -qx 'widths>8=True' t.out"
expect_ok 'xlsx: the definition is a cell above the table' "
	$PY dump.py w.xlsx recidivism meta >m.out &&
	grep -qx 'definition=recidivism/1' m.out &&
	grep -qx 'windows_years=1,2,3' m.out &&
	grep -qx 'period_from=2023-01-01' m.out"
expect_ok 'xlsx: a formula-looking value is stored as text' "
	thads-report -f xlsx -o f.xlsx sql \"SELECT '=1+2' AS f, '@x' AS g\" &&
	$PY -c \"import openpyxl; c = openpyxl.load_workbook('f.xlsx'
	    ).active.cell(5, 1); print(c.data_type, c.value)\" >f.out &&
	echo 's =1+2' >f.expected && test_cmp f.expected f.out"
expect_ok 'csv: the same value gets an apostrophe, unless --raw' "
	thads-report -f csv sql \"SELECT '=1+2' AS f\" | tr -d '\r' |
	tail -1 | grep -qx \"'=1+2\" &&
	thads-report -f csv --raw sql \"SELECT '=1+2' AS f\" | tr -d '\r' |
	tail -1 | grep -qx '=1+2'"

expect_ok 'jsonl: every object names the report and its definition' "
	thads-report $A -f jsonl flow recidivism >j.out &&
	[ \$(grep -c '\"report\":\"flow\",\"definition\":\"flow/1\"' j.out) -eq 13 ] &&
	[ \$(grep -c '\"definition\":\"recidivism/1\"' j.out) -eq 1 ] &&
	grep -q '^{\"period\":\"2023-01\",\"period_start\":\"2023-01-01\",\"period_end\":\"2023-01-31\",\"admissions\":1,' j.out"
expect_ok 'xml: one element per report, the definition an attribute' "
	thads-report $A -f xml flow recidivism >x.out &&
	xmllint --noout x.out &&
	[ \"\$(xmllint --xpath 'string(/thads-report/flows/@definition)' x.out)\" = flow/1 ] &&
	[ \"\$(xmllint --xpath 'count(/thads-report/flows/flow)' x.out)\" = 13 ] &&
	[ \"\$(xmllint --xpath 'string(/thads-report/recidivisms/recidivism/returned_1y)' x.out)\" = 4 ]"
expect_ok 'table: a title and the definition before each block' "
	thads-report $A population flow >t.out &&
	grep -qx 'definition: population/1' t.out &&
	grep -qx 'definition: flow/1' t.out &&
	grep -qx 'Admissions and releases' t.out"
expect_ok 'csv stays pure data; --meta writes the definition beside it' "
	thads-report $A -f csv --meta m.csv -o p.csv --by sex recidivism &&
	! grep -q definition p.csv && tr -d '\r' <m.csv >m.out &&
	grep -qx 'recidivism,definition,recidivism/1' m.out &&
	grep -qx 'recidivism,by,sex' m.out && head -1 m.out |
	grep -qx 'report,key,value'"
expect_ok '--bom: csv starts with the UTF-8 byte-order mark' "
	thads-report $A -f csv --bom flow | head -c 3 | od -An -tx1 |
	grep -q 'ef bb bf' &&
	! thads-report $A -f csv flow | head -c 3 | od -An -tx1 |
	grep -q 'ef bb bf'"
expect_ok 'dates are ISO 8601' "
	thads-report $A -f tsv flow | sed 1d | cut -f2,3 | tr '\t' '\n' \
	    >d.out && [ \$(wc -l <d.out) -eq 26 ] &&
	! grep -vqx '[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]' d.out"
expect_ok '-o: mode 0600, nothing left behind' "
	thads-report $A -f html -o page.html flow &&
	[ \"\$(stat -c %a page.html)\" = 600 ] &&
	[ -z \"\$(ls | grep 'tmp-')\" ]"
expect_fail 66 '-o: a failed run leaves no file' "
	thads-report -d nosuch.db -f csv -o none.csv population"
expect_ok '... and indeed none' "[ ! -e none.csv ]"
expect_ok 'html: self-contained, no script, one svg per chart' "
	thads-report $A -f html population flow >h.out &&
	! grep -qi '<script' h.out && ! grep -q 'src=' h.out &&
	! grep -q 'href=' h.out && [ \$(grep -c '<svg ' h.out) -eq 7 ] &&
	grep -q '<dd>flow/1</dd>' h.out"

test_done
