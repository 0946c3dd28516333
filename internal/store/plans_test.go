package store_test

import (
	"context"
	"strings"
	"testing"

	"nurture/internal/apptest"
	"nurture/internal/store"
)

// The statements behind every page and every write are served by the
// index meant for them, on both databases: none walks a baby's history.
func TestHotQueryPlansSQLite(t *testing.T) { checkHotPlans(t, apptest.OpenSQLite(t)) }

func TestHotQueryPlansPostgres(t *testing.T) { checkHotPlans(t, apptest.OpenPostgres(t)) }

func checkHotPlans(t *testing.T, st *store.Store) {
	plans, err := st.ExplainHot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"sessions list": "massage_sessions_baby_started",
	}
	for _, log := range []struct{ name, table string }{{"touch", "touch_entries"}, {"sleep", "sleep_entries"}, {"crying", "cry_episodes"}} {
		want["running "+log.name] = log.table + "_running"
		want["overlap running "+log.name] = log.table + "_running"
		want["overlap finished "+log.name] = log.table + "_baby_started"
	}
	if len(plans) != len(want) {
		t.Errorf("plans of %d queries, want %d", len(plans), len(want))
	}
	for name, index := range want {
		plan, ok := plans[name]
		if !ok {
			t.Errorf("no plan for %s", name)
			continue
		}
		if !strings.Contains(plan, index) {
			t.Errorf("%s: plan does not use %s:\n%s", name, index, plan)
		}
		switch st.Dialect() {
		case store.SQLite:
			for _, line := range strings.Split(strings.TrimSpace(plan), "\n") {
				if strings.HasPrefix(line, "SCAN") || strings.Contains(line, "TEMP B-TREE") {
					t.Errorf("%s: %q", name, line)
				}
			}
		case store.Postgres:
			if strings.Contains(plan, "Seq Scan") {
				t.Errorf("%s: sequential scan:\n%s", name, plan)
			}
		}
	}
}
