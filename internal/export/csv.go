package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteCSVZip writes one CSV file per log into a zip archive, with plain
// headers a spreadsheet user understands and times in the family's zone.
func WriteCSVZip(w io.Writer, d Document) error {
	loc, err := time.LoadLocation(d.Family.Timezone)
	if err != nil {
		loc = time.UTC
	}
	local := func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	localp := func(s *string) string {
		if s == nil {
			return ""
		}
		return local(*s)
	}
	minutes := func(a string, b *string) string {
		if b == nil {
			return ""
		}
		ta, err1 := time.Parse(time.RFC3339Nano, a)
		tb, err2 := time.Parse(time.RFC3339Nano, *b)
		if err1 != nil || err2 != nil {
			return ""
		}
		return strconv.FormatFloat(tb.Sub(ta).Minutes(), 'f', 0, 64)
	}
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	who := map[string]string{}
	for _, m := range d.Members {
		who[m.UserID] = m.Name
	}
	baby := map[string]string{}
	for _, b := range d.Babies {
		baby[b.ID] = b.Name
	}
	files := []struct {
		name   string
		header []string
		rows   [][]string
	}{
		{"members.csv", []string{"Name", "Email", "Role", "Relation", "Joined"}, nil},
		{"babies.csv", []string{"Baby", "Date of birth", "Weeks of pregnancy at birth", "Archived"}, nil},
		{"massage-sessions.csv", []string{"Baby", "Started", "Ended", "Minutes", "Routine", "Who", "Outcome", "Steps", "Engaged steps", "Parent calm before (1-5)", "Parent calm after (1-5)", "Fell asleep after (min)", "Notes", "Readiness before", "Id"}, nil},
		{"massage-steps.csv", []string{"Session id", "Step", "Stroke", "Response"}, nil},
		{"nurturing-touch.csv", []string{"Baby", "Kind", "Started", "Ended", "Minutes", "Who", "Notes", "Id"}, nil},
		{"sleep.csv", []string{"Baby", "Started", "Ended", "Minutes", "Who", "Notes", "Id"}, nil},
		{"crying.csv", []string{"Baby", "Started", "Ended", "Minutes", "Held throughout", "Needs checked", "What helped", "Parent stress (1-5)", "Who", "Notes", "Id"}, nil},
	}
	for _, m := range d.Members {
		files[0].rows = append(files[0].rows, []string{m.Name, m.Email, string(m.Role), string(m.Relation), local(m.JoinedAt)})
	}
	for _, b := range d.Babies {
		files[1].rows = append(files[1].rows, []string{b.Name, b.BirthDate, strconv.Itoa(b.GestationWeeks), localp(b.ArchivedAt)})
	}
	for _, s := range d.Sessions {
		engaged := 0
		for i, st := range s.Steps {
			if st.Response == "engaged" {
				engaged++
			}
			files[3].rows = append(files[3].rows, []string{s.ID, strconv.Itoa(i + 1), st.StrokeID, string(st.Response)})
		}
		end := s.EndedAt
		files[2].rows = append(files[2].rows, []string{baby[s.BabyID], local(s.StartedAt), local(s.EndedAt), minutes(s.StartedAt, &end), s.RoutineID,
			who[s.CaregiverID], string(s.Outcome), strconv.Itoa(len(s.Steps)), strconv.Itoa(engaged), num(s.ParentCalmBefore), num(s.ParentCalmAfter),
			num(s.FellAsleepAfterMin), s.Notes, s.Readiness, s.ID})
	}
	for _, e := range d.Touch {
		files[4].rows = append(files[4].rows, []string{baby[e.BabyID], e.Kind, local(e.StartedAt), localp(e.EndedAt), minutes(e.StartedAt, e.EndedAt), who[e.CaregiverID], e.Notes, e.ID})
	}
	for _, e := range d.Sleep {
		files[5].rows = append(files[5].rows, []string{baby[e.BabyID], local(e.StartedAt), localp(e.EndedAt), minutes(e.StartedAt, e.EndedAt), who[e.CaregiverID], e.Notes, e.ID})
	}
	for _, e := range d.Crying {
		held := "no"
		if e.Held != nil && *e.Held {
			held = "yes"
		}
		files[6].rows = append(files[6].rows, []string{baby[e.BabyID], local(e.StartedAt), localp(e.EndedAt), minutes(e.StartedAt, e.EndedAt), held,
			strings.Join(e.NeedsChecked, "; "), strings.Join(e.SoothedBy, "; "), num(e.ParentStress), who[e.CaregiverID], e.Notes, e.ID})
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.Create(f.name)
		if err != nil {
			return err
		}
		// A byte-order mark lets spreadsheet programs read UTF-8 names.
		io.WriteString(fw, "\ufeff")
		cw := csv.NewWriter(fw)
		cw.Write(f.header)
		for _, r := range f.rows {
			cw.Write(csvSafe(r))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// csvSafe stops a spreadsheet from running a cell as a formula, since notes
// are free text typed by anyone in the family.
func csvSafe(row []string) []string {
	for i, v := range row {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			row[i] = "'" + v
		}
	}
	return row
}
