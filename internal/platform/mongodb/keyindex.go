package mongodb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	_ "modernc.org/sqlite" // the driver embedded FerretDB itself uses
)

// IndexKeys makes lookups by _id on embedded FerretDB use an index.
//
// FerretDB v1.24's SQLite backend indexes _id as `_ferretdb_sjson->"_id"`
// but looks documents up with `WHERE _ferretdb_sjson->'$._id' = ?`. SQLite
// only uses an expression index for the very same expression, so every
// lookup by _id scanned its table until it met the document: measured on
// 2,000 documents of 2 KB, 0.4 ms for the first one written and 13.7 ms
// for the last. This adds, to every collection's table, an index on the
// expression the lookups use (FerretDB does not list it, and drops it with
// the table). Collections appear on their first write, so the app calls
// this at start and then periodically; a no-op on MongoDB.
func (db *DB) IndexKeys(ctx context.Context) (added int, err error) {
	if db.sqliteFile == "" {
		return 0, nil
	}
	if _, err := os.Stat(db.sqliteFile); errors.Is(err, os.ErrNotExist) {
		return 0, nil // nothing written yet
	}
	conn, err := sql.Open("sqlite", "file:"+db.sqliteFile+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		return 0, fmt.Errorf("index keys: %w", err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE '\_ferretdb\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = sqlite_master.name || '_key_lookup')`)
	if err != nil {
		return 0, fmt.Errorf("index keys: list tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return 0, fmt.Errorf("index keys: %w", err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`, quoteIdent(t+"_key_lookup"), quoteIdent(t))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return added, fmt.Errorf("index keys of %s: %w", t, err)
		}
		added++
	}
	return added, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
