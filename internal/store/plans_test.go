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
	want := map[string][]string{"sessions list": {"massage_sessions_baby_started"}}
	for _, log := range []struct{ name, table string }{{"touch", "touch_entries"}, {"sleep", "sleep_entries"}, {"crying", "cry_episodes"}} {
		want["running "+log.name] = []string{log.table + "_running"}
		want["overlap running "+log.name] = []string{log.table + "_running"}
		want["overlap finished "+log.name] = []string{log.table + "_baby_started"}
	}
	checkPlans(t, st, plans, want)
}

// The insights read a window of a baby's history through the
// (family_id, baby_id, started_at, id) indexes, the logs from the index
// alone (no table lookup per entry).
func TestInsightsQueryPlanSQLite(t *testing.T) { checkInsightsPlan(t, apptest.OpenSQLite(t)) }

func TestInsightsQueryPlanPostgres(t *testing.T) { checkInsightsPlan(t, apptest.OpenPostgres(t)) }

func checkInsightsPlan(t *testing.T, st *store.Store) {
	now := apptest.Now()
	plans, err := st.ExplainHistory(context.Background(), "family", "baby", now.AddDate(0, 0, -90), now)
	if err != nil {
		t.Fatal(err)
	}
	covering := "USING COVERING INDEX"
	if st.Dialect() == store.Postgres {
		covering = "Index Only Scan"
	}
	checkPlans(t, st, plans, map[string][]string{
		"sessions": {"massage_sessions_baby_started"},
		"touch":    {"touch_entries_baby_started", covering},
		"sleep":    {"sleep_entries_baby_started", covering},
		"crying":   {"cry_episodes_baby_started", covering},
	})
}

// checkPlans wants each named plan to hold every given text, and no full
// scan, sort of the result or search without an index.
func checkPlans(t *testing.T, st *store.Store, plans map[string]string, want map[string][]string) {
	t.Helper()
	if len(plans) != len(want) {
		t.Errorf("plans of %d queries, want %d", len(plans), len(want))
	}
	for name, texts := range want {
		plan, ok := plans[name]
		if !ok {
			t.Errorf("no plan for %s", name)
			continue
		}
		for _, text := range texts {
			if !strings.Contains(plan, text) {
				t.Errorf("%s: plan does not use %s:\n%s", name, text, plan)
			}
		}
		switch st.Dialect() {
		case store.SQLite:
			for _, line := range strings.Split(strings.TrimSpace(plan), "\n") {
				if strings.HasPrefix(line, "SCAN") || strings.Contains(line, "TEMP B-TREE") ||
					strings.HasPrefix(line, "SEARCH") && !strings.Contains(line, "USING") {
					t.Errorf("%s: %q", name, line)
				}
			}
		case store.Postgres:
			if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "Index") {
				t.Errorf("%s: not an index scan:\n%s", name, plan)
			}
		}
	}
}
