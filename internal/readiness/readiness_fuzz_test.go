package readiness

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

// FuzzCheck decodes a readiness request as the API receives it (JSON,
// RFC 3339 times) and runs Check on it: no panic; either a result with a
// known verdict and known codes, or a *ValidationError with known fields
// and codes; never both, never another error.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"state":"quiet_alert"}`,
		`{"state":"drowsy","last_feed_at":"2026-03-15T09:50:00+01:00","cord_healed":false}`,
		`{"state":"asleep","temperature_c":38.0,"unwell":true,"skin_issue":true}`,
		`{"state":"fussy","vaccinated_at":"2026-03-14T10:00:00Z","temperature_c":35.9}`,
		`{"state":"crying","temperature_c":1e308,"now":"1900-01-01T00:00:00Z"}`,
		`{"state":"","last_feed_at":"2999-01-01T00:00:00Z","vaccinated_at":"2999-01-01T00:00:00Z"}`,
		`{"state":"bored","temperature_c":-1}`,
		`{"state":"quiet_alert","temperature_c":100.4}`,
	} {
		f.Add(s, int64(120), 40, int64(30), int64(48*60))
	}
	f.Add(`{"state":"active_alert"}`, int64(-5), 22, int64(0), int64(0))
	f.Add(`{"state":"active_alert"}`, int64(1<<40), 0, int64(-1), int64(1<<50))
	now := time.Date(2026, time.March, 15, 10, 0, 0, 0, time.FixedZone("family", 3600))
	fieldsOK := []string{FieldState, FieldNow, FieldLastFeedAt, FieldVaccinatedAt, FieldTemperatureC, FieldInjectionSite, FieldFeedWait, FieldVaccinationWait}
	f.Fuzz(func(t *testing.T, body string, ageDays int64, weeks int, feedWaitMin, vaccWaitMin int64) {
		var in struct {
			State        string   `json:"state"`
			LastFeedAt   string   `json:"last_feed_at"`
			VaccinatedAt string   `json:"vaccinated_at"`
			TemperatureC *float64 `json:"temperature_c"`
			Unwell       bool     `json:"unwell"`
			SkinIssue    bool     `json:"skin_issue"`
			CordHealed   *bool    `json:"cord_healed"`
			Now          string   `json:"now"`
		}
		if json.Unmarshal([]byte(body), &in) != nil {
			return
		}
		ri := Input{State: State(in.State), TemperatureC: in.TemperatureC, Unwell: in.Unwell, SkinIssue: in.SkinIssue, CordHealed: in.CordHealed, Now: now}
		parse := func(s string) *time.Time {
			if p, err := time.Parse(time.RFC3339, s); err == nil {
				return &p
			}
			return nil
		}
		ri.LastFeedAt, ri.VaccinatedAt = parse(in.LastFeedAt), parse(in.VaccinatedAt)
		if p := parse(in.Now); p != nil {
			ri.Now = *p
		}
		ageDays %= 1 << 20 // a birth date within ±2800 years
		baby := Baby{BirthDate: time.Date(2026, time.March, 15-int(ageDays), 0, 0, 0, 0, now.Location()), GestationWeeks: weeks}
		s := Settings{FeedWait: time.Duration(feedWaitMin%100000) * time.Minute, VaccinationWait: time.Duration(vaccWaitMin%100000) * time.Minute}
		res, err := Check(ri, baby, s)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error %T %v, want a *ValidationError with fields", err, err)
			}
			for _, fe := range ve.Fields {
				if !slices.Contains(fieldsOK, fe.Field) || !slices.Contains(ErrorCodes(), fe.Code) {
					t.Fatalf("unknown field error %v", fe)
				}
			}
			if vErr := ri.Validate(); vErr == nil && s.Validate() == nil {
				t.Fatalf("Check refused what Validate accepts: %v", err)
			}
			return
		}
		if _, err := res.Verdict.MarshalText(); err != nil {
			t.Fatalf("verdict: %v", err)
		}
		for _, list := range [][]Finding{res.Reasons, res.Adjust} {
			for _, fd := range list {
				if !slices.Contains(Codes(), fd.Code) {
					t.Fatalf("unknown code %q", fd.Code)
				}
			}
		}
		if (res.Verdict == Go) != (len(res.Reasons) == 0) {
			t.Fatalf("verdict %s with reasons %v", res.Verdict, res.Reasons)
		}
		if res.Verdict == SeekHelp && res.RetryAt != nil {
			t.Fatalf("seek_help with a retry time")
		}
		if tc := ri.TemperatureC; tc != nil && (math.IsNaN(*tc) || *tc < MinTemperatureC-0.01 || *tc > MaxTemperatureC+0.01) {
			t.Fatalf("temperature %v accepted", *tc)
		}
		if ri.LastFeedAt != nil && ri.LastFeedAt.After(ri.Now) {
			t.Fatalf("feed in the future accepted")
		}
	})
}
