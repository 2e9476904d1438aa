#!/usr/bin/env bash
# Backup-and-restore drill for the portal's PostgreSQL database (docs/backup-restore.md).
#
#   ops/backup_restore.sh <database-url> [dump-file]
#
# 1. pg_dump --format=custom of <database-url> into dump-file (default: a temporary file);
# 2. pg_restore into a FRESH database named <db>_restore_<UTC timestamp> on the same server
#    (RESTORE_DB=<name> to choose it; it must not exist);
# 3. count the rows of every table in both databases and compare them table by table.
# Exit status 0 when every table has the same count in both, 1 otherwise (or on any error).
# The restored database is dropped at the end unless KEEP_RESTORED=1.
set -euo pipefail

usage() { echo "usage: $0 <database-url> [dump-file]" >&2; exit 2; }
[ $# -ge 1 ] || usage
SOURCE_URL="$1"
DUMP="${2:-}"
case "$SOURCE_URL" in postgres://*|postgresql://*) ;; *) echo "not a PostgreSQL URL: $SOURCE_URL" >&2; exit 2 ;; esac

# postgres://user@host:port/db?opts -> parts
base="${SOURCE_URL%%\?*}"
SOURCE_DB="${base##*/}"
SERVER="${base%/*}"
STAMP="$(date -u +%Y%m%d%H%M%S)"
RESTORE_DB="${RESTORE_DB:-${SOURCE_DB}_restore_${STAMP}}"
RESTORE_URL="${SERVER}/${RESTORE_DB}"
ADMIN_URL="${SERVER}/postgres"

tmpdir="$(mktemp -d)"
cleanup() {
  if [ "${KEEP_RESTORED:-0}" != "1" ] && [ "${created:-0}" = "1" ]; then
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"${RESTORE_DB}\"" >/dev/null || true
  fi
  rm -rf "$tmpdir"
}
trap cleanup EXIT
[ -n "$DUMP" ] || DUMP="$tmpdir/${SOURCE_DB}.dump"

# Row counts of every ordinary table, "schema.table<TAB>count", sorted; one query per database.
COUNT_SQL="
SELECT format('%s.%s', table_schema, table_name) || E'\t' ||
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
                                            false, true, '')))[1]::text
  FROM information_schema.tables
 WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1"

echo "== 1. dump ${SOURCE_DB} (custom format) -> ${DUMP}"
started=$(date +%s.%N)
pg_dump --format=custom --no-owner --no-privileges --file="$DUMP" "$SOURCE_URL"
dumped=$(date +%s.%N)
echo "   $(du -h "$DUMP" | cut -f1), $(awk "BEGIN {printf \"%.1f\", $dumped - $started}") s"

# Counts of the source right after the dump (a live database may change afterwards: run the
# drill on a quiet database or a copy for an exact comparison).
psql -XAt "$SOURCE_URL" -c "$COUNT_SQL" > "$tmpdir/source.tsv"

echo "== 2. restore into the fresh database ${RESTORE_DB}"
psql -q "$ADMIN_URL" -c "CREATE DATABASE \"${RESTORE_DB}\"" >/dev/null
created=1
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$RESTORE_URL" "$DUMP"
restored=$(date +%s.%N)
echo "   $(awk "BEGIN {printf \"%.1f\", $restored - $dumped}") s"

echo "== 3. compare row counts of every table"
psql -XAt "$RESTORE_URL" -c "$COUNT_SQL" > "$tmpdir/restored.tsv"
tables=$(wc -l < "$tmpdir/source.tsv")
rows=$(awk -F'\t' '{s += $2} END {print s + 0}' "$tmpdir/source.tsv")
if [ "$tables" -eq 0 ]; then
  echo "NOTHING TO COMPARE: ${SOURCE_DB} has no tables (is it the right database?)"
  exit 1
fi
if diff -u "$tmpdir/source.tsv" "$tmpdir/restored.tsv" > "$tmpdir/diff.txt"; then
  echo "OK: ${tables} tables, ${rows} rows, identical counts in ${SOURCE_DB} and ${RESTORE_DB}"
  exit 0
fi
echo "MISMATCH between ${SOURCE_DB} (-) and ${RESTORE_DB} (+):"
cat "$tmpdir/diff.txt"
exit 1
