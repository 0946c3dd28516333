package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"nurture/internal/apptest"
	"nurture/internal/store"
	"nurture/internal/store/storetest"
)

func TestStoreSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store { return apptest.OpenSQLite(t) })
}

func TestStorePostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store { return apptest.OpenPostgres(t) })
}

// TestSchemaSameOnBothDialectsPostgres checks that the two migration
// folders end with the same tables and columns.
func TestSchemaSameOnBothDialectsPostgres(t *testing.T) {
	lite := columns(t, apptest.OpenSQLite(t), `SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`)
	pg := columns(t, apptest.OpenPostgres(t), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	if len(lite) == 0 || !reflect.DeepEqual(lite, pg) {
		t.Fatalf("schemas differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}

func columns(t *testing.T, s *store.Store, q string) []string {
	t.Helper()
	rows, err := store.DB(s).QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s.%s", tbl, col))
	}
	sort.Strings(out)
	return out
}
