package readiness

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the DST test needs Europe/Paris on any machine
)

// now is a fixed check time: 10:00 in a family zone one hour east of UTC.
var (
	zone = time.FixedZone("family", 3600)
	now  = time.Date(2026, time.March, 15, 10, 0, 0, 0, zone)
)

func ptr[T any](v T) *T { return &v }

func ago(d time.Duration) *time.Time { return ptr(now.Add(-d)) }

// babyAged returns a baby whose civil age at now is days, born at weeks.
func babyAged(days, weeks int) Baby {
	y, m, d := now.Date()
	return Baby{BirthDate: time.Date(y, m, d-days, 0, 0, 0, 0, zone), GestationWeeks: weeks}
}

func codes(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code
	}
	return out
}

const (
	h   = time.Hour
	min = time.Minute
	day = 24 * time.Hour
)

func TestCheck(t *testing.T) {
	type tc struct {
		name     string
		in       Input // State defaults to quiet_alert, Now to now
		baby     Baby  // defaults to a term baby of 120 days, past every age rule
		settings Settings
		verdict  Verdict
		reasons  []string
		adjust   []string
		retry    *time.Time
	}
	tests := []tc{
		// Calm states with nothing else: go.
		{name: "quiet alert", verdict: Go},
		{name: "active alert", in: Input{State: ActiveAlert}, verdict: Go},

		// fever_young_baby: ≥ 38.0 and younger than 91 days.
		{name: "38.0 at 90 days", in: Input{TemperatureC: ptr(38.0)}, baby: babyAged(90, 40),
			verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby}},
		{name: "37.9 at 90 days", in: Input{TemperatureC: ptr(37.9)}, baby: babyAged(90, 40), verdict: Go},
		{name: "38.0 at 91 days", in: Input{TemperatureC: ptr(38.0)}, baby: babyAged(91, 40),
			verdict: NotToday, reasons: []string{CodeFever}},
		{name: "38.0 at 0 days", in: Input{TemperatureC: ptr(38.0)}, baby: babyAged(0, 40),
			verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby}, adjust: []string{CodeAvoidNavel, CodeNoOil}},
		{name: "100.4 F converted at 60 days", in: Input{TemperatureC: ptr((100.4 - 32) * 5 / 9)}, baby: babyAged(60, 40),
			verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby}},
		{name: "39.5 at 60 days is reported once", in: Input{TemperatureC: ptr(39.5)}, baby: babyAged(60, 40),
			verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby}},
		// The cautious age: a 30-week baby of 95 days is 25 days by its due date.
		{name: "preterm uses the corrected age for fever", in: Input{TemperatureC: ptr(38.0)}, baby: babyAged(95, 30),
			verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby}, adjust: []string{CodeNoOil}},
		{name: "post-term uses the actual age for fever", in: Input{TemperatureC: ptr(38.0)}, baby: babyAged(90, 42),
			verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby}},
		{name: "preterm 39.0 at 190 days, corrected 176", in: Input{TemperatureC: ptr(39.0)}, baby: babyAged(190, 38),
			verdict: SeekHelp, reasons: []string{CodeFever}},

		// fever (seek_help): ≥ 39.0 and younger than 183 days.
		{name: "39.0 at 182 days", in: Input{TemperatureC: ptr(39.0)}, baby: babyAged(182, 40),
			verdict: SeekHelp, reasons: []string{CodeFever}},
		{name: "39.0 at 91 days", in: Input{TemperatureC: ptr(39.0)}, baby: babyAged(91, 40),
			verdict: SeekHelp, reasons: []string{CodeFever}},
		{name: "39.0 at 183 days", in: Input{TemperatureC: ptr(39.0)}, baby: babyAged(183, 40),
			verdict: NotToday, reasons: []string{CodeFever}},
		{name: "38.9 at 120 days", in: Input{TemperatureC: ptr(38.9)}, baby: babyAged(120, 40),
			verdict: NotToday, reasons: []string{CodeFever}},

		// low_temperature: < 36.0 at any age.
		{name: "35.9", in: Input{TemperatureC: ptr(35.9)}, verdict: SeekHelp, reasons: []string{CodeLowTemperature}},
		{name: "35.99 rounds below 36", in: Input{TemperatureC: ptr(35.99)}, verdict: SeekHelp, reasons: []string{CodeLowTemperature}},
		{name: "36.0", in: Input{TemperatureC: ptr(36.0)}, verdict: Go},
		{name: "35.9 at 400 days", in: Input{TemperatureC: ptr(35.9)}, baby: babyAged(400, 40),
			verdict: SeekHelp, reasons: []string{CodeLowTemperature}},
		{name: "30.0 is valid and low", in: Input{TemperatureC: ptr(30.0)}, verdict: SeekHelp, reasons: []string{CodeLowTemperature}},

		// fever (not_today): ≥ 38.0 otherwise.
		{name: "38.0 at 400 days", in: Input{TemperatureC: ptr(38.0)}, baby: babyAged(400, 40),
			verdict: NotToday, reasons: []string{CodeFever}},
		{name: "37.9 at 400 days", in: Input{TemperatureC: ptr(37.9)}, baby: babyAged(400, 40), verdict: Go},
		{name: "39.5 at 400 days", in: Input{TemperatureC: ptr(39.5)}, baby: babyAged(400, 40),
			verdict: NotToday, reasons: []string{CodeFever}},
		{name: "45.0 is valid", in: Input{TemperatureC: ptr(45.0)}, baby: babyAged(400, 40),
			verdict: NotToday, reasons: []string{CodeFever}},

		// unwell.
		{name: "unwell", in: Input{Unwell: true}, verdict: NotToday, reasons: []string{CodeUnwell}},
		{name: "unwell at 90 days", in: Input{Unwell: true}, baby: babyAged(90, 40),
			verdict: SeekHelp, reasons: []string{CodeUnwellYoungBaby}},
		{name: "unwell at 91 days", in: Input{Unwell: true}, baby: babyAged(91, 40),
			verdict: NotToday, reasons: []string{CodeUnwell}},
		{name: "unwell preterm at 100 days, corrected 72", in: Input{Unwell: true}, baby: babyAged(100, 36),
			verdict: SeekHelp, reasons: []string{CodeUnwellYoungBaby}},

		// hungry: feed first.
		{name: "hungry", in: Input{Hungry: true}, verdict: Wait, reasons: []string{CodeHungry}},
		{name: "hungry and fed 10 min ago", in: Input{Hungry: true, LastFeedAt: ago(10 * min)},
			verdict: Wait, reasons: []string{CodeHungry, CodeRecentlyFed}, retry: ptr(now.Add(20 * min))},

		// Vaccination: < 48 h not_today; 48 h – 7 days adjust.
		{name: "vaccinated just now", in: Input{VaccinatedAt: ago(0)},
			verdict: NotToday, reasons: []string{CodeRecentVaccination}, retry: ptr(now.Add(48 * h))},
		{name: "vaccinated 47h59m ago", in: Input{VaccinatedAt: ago(47*h + 59*min)},
			verdict: NotToday, reasons: []string{CodeRecentVaccination}, retry: ptr(now.Add(min))},
		{name: "vaccinated exactly 48h ago", in: Input{VaccinatedAt: ago(48 * h)},
			verdict: Go, adjust: []string{CodeAvoidInjectionSite}},
		{name: "vaccinated 4 days ago", in: Input{VaccinatedAt: ago(4 * day)},
			verdict: Go, adjust: []string{CodeAvoidInjectionSite}},
		{name: "vaccinated exactly 7 days ago", in: Input{VaccinatedAt: ago(7 * day)},
			verdict: Go, adjust: []string{CodeAvoidInjectionSite}},
		{name: "vaccinated 7 days and 1 minute ago", in: Input{VaccinatedAt: ago(7*day + min)}, verdict: Go},
		// From 12 months the injection usually goes into the upper arm.
		{name: "vaccinated at 364 days: thighs", in: Input{VaccinatedAt: ago(3 * day)}, baby: babyAged(367, 40),
			verdict: Go, adjust: []string{CodeAvoidInjectionSite}},
		{name: "vaccinated at 365 days: upper arm", in: Input{VaccinatedAt: ago(3 * day)}, baby: babyAged(368, 40),
			verdict: Go, adjust: []string{CodeAvoidInjectionArm}},
		{name: "the named site wins: thigh at 400 days", in: Input{VaccinatedAt: ago(3 * day), InjectionSite: SiteThigh}, baby: babyAged(400, 40),
			verdict: Go, adjust: []string{CodeAvoidInjectionSite}},
		{name: "the named site wins: arm at 100 days", in: Input{VaccinatedAt: ago(3 * day), InjectionSite: SiteArm},
			verdict: Go, adjust: []string{CodeAvoidInjectionArm}},
		{name: "custom vaccination wait 72h", in: Input{VaccinatedAt: ago(60 * h)},
			settings: Settings{VaccinationWait: 72 * h},
			verdict:  NotToday, reasons: []string{CodeRecentVaccination}, retry: ptr(now.Add(12 * h))},

		// Waiting states.
		{name: "asleep", in: Input{State: Asleep}, verdict: Wait, reasons: []string{CodeAsleep}},
		{name: "crying", in: Input{State: Crying}, verdict: Wait, reasons: []string{CodeCrying}},
		{name: "fussy", in: Input{State: Fussy}, verdict: Wait, reasons: []string{CodeFussy}},

		// Feed wait, default 30 min.
		{name: "fed just now", in: Input{LastFeedAt: ago(0)},
			verdict: Wait, reasons: []string{CodeRecentlyFed}, retry: ptr(now.Add(30 * min))},
		{name: "fed 29 min ago", in: Input{LastFeedAt: ago(29 * min)},
			verdict: Wait, reasons: []string{CodeRecentlyFed}, retry: ptr(now.Add(min))},
		{name: "fed exactly 30 min ago", in: Input{LastFeedAt: ago(30 * min)}, verdict: Go},
		{name: "fed 2 h ago", in: Input{LastFeedAt: ago(2 * h)}, verdict: Go},
		{name: "custom feed wait 45 min, fed 44 min ago", in: Input{LastFeedAt: ago(44 * min)},
			settings: Settings{FeedWait: 45 * min},
			verdict:  Wait, reasons: []string{CodeRecentlyFed}, retry: ptr(now.Add(min))},
		{name: "custom feed wait 45 min, fed 45 min ago", in: Input{LastFeedAt: ago(45 * min)},
			settings: Settings{FeedWait: 45 * min}, verdict: Go},
		{name: "feed wait 20 min allowed", in: Input{LastFeedAt: ago(20 * min)},
			settings: Settings{FeedWait: 20 * min}, verdict: Go},
		{name: "feed wait 60 min allowed", in: Input{LastFeedAt: ago(59 * min)},
			settings: Settings{FeedWait: 60 * min},
			verdict:  Wait, reasons: []string{CodeRecentlyFed}, retry: ptr(now.Add(min))},

		// Adjustments.
		{name: "drowsy", in: Input{State: Drowsy}, verdict: Go, adjust: []string{CodeGentleBedtime}},
		{name: "skin issue", in: Input{SkinIssue: true}, verdict: Go, adjust: []string{CodeAvoidAffectedSkin}},
		{name: "cord not healed", in: Input{CordHealed: ptr(false)}, verdict: Go, adjust: []string{CodeAvoidNavel}},
		{name: "cord healed", in: Input{CordHealed: ptr(true)}, verdict: Go},
		// Under 28 days an unanswered cord question counts as not healed.
		{name: "cord not asked", in: Input{CordHealed: nil}, baby: babyAged(3, 40), verdict: Go, adjust: []string{CodeAvoidNavel, CodeNoOil}},
		{name: "cord healed at 3 days", in: Input{CordHealed: ptr(true)}, baby: babyAged(3, 40), verdict: Go, adjust: []string{CodeNoOil}},
		{name: "27 days", baby: babyAged(27, 40), verdict: Go, adjust: []string{CodeAvoidNavel, CodeNoOil}},
		{name: "28 days", baby: babyAged(28, 40), verdict: Go},
		{name: "36 weeks, corrected -1", baby: babyAged(27, 36),
			verdict: Go, adjust: []string{CodeAvoidNavel, CodeNoOil, CodeStillTouchOnly}},
		// No oil counts the cautious age; the cord counts from birth.
		{name: "36 weeks, corrected 0", baby: babyAged(28, 36), verdict: Go, adjust: []string{CodeNoOil}},
		{name: "30 weeks, corrected -1", baby: babyAged(69, 30), verdict: Go, adjust: []string{CodeNoOil, CodeStillTouchOnly}},
		{name: "30 weeks, corrected 0", baby: babyAged(70, 30), verdict: Go, adjust: []string{CodeNoOil}},
		{name: "30 weeks, corrected 28", baby: babyAged(98, 30), verdict: Go},
		{name: "37 weeks is term, corrected -21", baby: babyAged(0, 37), verdict: Go, adjust: []string{CodeAvoidNavel, CodeNoOil}},
		{name: "42 weeks at 27 days, corrected 41", baby: babyAged(27, 42), verdict: Go, adjust: []string{CodeAvoidNavel, CodeNoOil}},
		{name: "unknown gestation counts as term", baby: babyAged(30, 0), verdict: Go},

		// Combinations.
		{name: "asleep and recently fed both listed", in: Input{State: Asleep, LastFeedAt: ago(10 * min)},
			verdict: Wait, reasons: []string{CodeAsleep, CodeRecentlyFed}, retry: ptr(now.Add(20 * min))},
		{name: "not_today beats wait; vaccination retry is the latest",
			in:      Input{State: Fussy, LastFeedAt: ago(10 * min), VaccinatedAt: ago(24 * h)},
			verdict: NotToday, reasons: []string{CodeRecentVaccination, CodeFussy, CodeRecentlyFed},
			retry: ptr(now.Add(24 * h))},
		{name: "feed retry is the latest when the vaccination wait ends sooner",
			in:      Input{LastFeedAt: ago(min), VaccinatedAt: ago(48*h - time.Second)},
			verdict: NotToday, reasons: []string{CodeRecentVaccination, CodeRecentlyFed},
			retry: ptr(now.Add(29 * min))},
		{name: "fever gives no retry even with a known feed wait",
			in:   Input{TemperatureC: ptr(38.4), State: Asleep, LastFeedAt: ago(10 * min)},
			baby: babyAged(400, 40), verdict: NotToday, reasons: []string{CodeFever, CodeAsleep, CodeRecentlyFed}},
		{name: "unwell gives no retry even after a vaccination",
			in:      Input{Unwell: true, VaccinatedAt: ago(h)},
			verdict: NotToday, reasons: []string{CodeUnwell, CodeRecentVaccination}},
		{name: "fever after vaccination in a young baby is still seek_help, without retry",
			in:   Input{TemperatureC: ptr(38.2), VaccinatedAt: ago(6 * h)},
			baby: babyAged(60, 40), verdict: SeekHelp, reasons: []string{CodeFeverYoungBaby, CodeRecentVaccination}},
		{name: "seek_help beats everything",
			in: Input{State: Crying, TemperatureC: ptr(35.5), Unwell: true, VaccinatedAt: ago(h),
				LastFeedAt: ago(5 * min), SkinIssue: true},
			verdict: SeekHelp,
			reasons: []string{CodeLowTemperature, CodeUnwell, CodeRecentVaccination, CodeCrying, CodeRecentlyFed},
			adjust:  []string{CodeAvoidAffectedSkin}},
		{name: "adjust is computed for a wait too", in: Input{State: Asleep, SkinIssue: true, CordHealed: ptr(false)},
			baby: babyAged(10, 40), verdict: Wait, reasons: []string{CodeAsleep},
			adjust: []string{CodeAvoidAffectedSkin, CodeAvoidNavel, CodeNoOil}},
		{name: "every adjustment merges in table order",
			in:   Input{State: Drowsy, SkinIssue: true, CordHealed: ptr(false), VaccinatedAt: ago(3 * day)},
			baby: babyAged(10, 34), verdict: Go,
			adjust: []string{CodeAvoidInjectionSite, CodeGentleBedtime, CodeAvoidAffectedSkin,
				CodeAvoidNavel, CodeNoOil, CodeStillTouchOnly}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.State == "" {
				in.State = QuietAlert
			}
			if in.Now.IsZero() {
				in.Now = now
			}
			baby := tt.baby
			if baby.BirthDate.IsZero() {
				baby = babyAged(120, 40)
			}
			got, err := Check(in, baby, tt.settings)
			if err != nil {
				t.Fatalf("Check: unexpected error %v", err)
			}
			if got.Verdict != tt.verdict {
				t.Errorf("verdict = %v, want %v", got.Verdict, tt.verdict)
			}
			if want := orEmpty(tt.reasons); !slices.Equal(codes(got.Reasons), want) {
				t.Errorf("reasons = %q, want %q", codes(got.Reasons), want)
			}
			if want := orEmpty(tt.adjust); !slices.Equal(codes(got.Adjust), want) {
				t.Errorf("adjust = %q, want %q", codes(got.Adjust), want)
			}
			switch {
			case tt.retry == nil && got.RetryAt != nil:
				t.Errorf("retry_at = %v, want none", *got.RetryAt)
			case tt.retry != nil && got.RetryAt == nil:
				t.Errorf("retry_at = none, want %v", *tt.retry)
			case tt.retry != nil && !got.RetryAt.Equal(*tt.retry):
				t.Errorf("retry_at = %v, want %v", *got.RetryAt, *tt.retry)
			}
			// The slices are never nil, so JSON shows [] rather than null.
			if got.Reasons == nil || got.Adjust == nil {
				t.Errorf("reasons or adjust is nil")
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// The retry time must be a copy: changing the input afterwards must not move it.
func TestCheckRetryDoesNotAliasInput(t *testing.T) {
	fed := now.Add(-10 * min)
	in := Input{State: QuietAlert, LastFeedAt: &fed, Now: now}
	got, err := Check(in, babyAged(120, 40), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	fed = fed.Add(-h)
	if want := now.Add(20 * min); got.RetryAt == nil || !got.RetryAt.Equal(want) {
		t.Fatalf("retry_at = %v, want %v", got.RetryAt, want)
	}
}

func TestAppendUniqueDedupes(t *testing.T) {
	var fs []Finding
	for _, c := range []string{CodeNoOil, CodeAvoidNavel, CodeNoOil, CodeAvoidNavel, CodeGentleBedtime} {
		fs = appendUnique(fs, c)
	}
	want := []string{CodeNoOil, CodeAvoidNavel, CodeGentleBedtime}
	if !slices.Equal(codes(fs), want) {
		t.Fatalf("codes = %q, want %q", codes(fs), want)
	}
}

func TestCheckValidation(t *testing.T) {
	valid := Input{State: QuietAlert, Now: now}
	tests := []struct {
		name     string
		edit     func(*Input)
		settings Settings
		want     []FieldError
	}{
		{name: "missing state", edit: func(in *Input) { in.State = "" },
			want: []FieldError{{FieldState, ErrStateRequired}}},
		{name: "unknown state", edit: func(in *Input) { in.State = "sleeping" },
			want: []FieldError{{FieldState, ErrUnknownState}}},
		{name: "state is case-sensitive", edit: func(in *Input) { in.State = "Asleep" },
			want: []FieldError{{FieldState, ErrUnknownState}}},
		{name: "missing now", edit: func(in *Input) { in.Now = time.Time{} },
			want: []FieldError{{FieldNow, ErrNowRequired}}},
		{name: "feed 1ns in the future", edit: func(in *Input) { in.LastFeedAt = ptr(now.Add(1)) },
			want: []FieldError{{FieldLastFeedAt, ErrFeedInFuture}}},
		{name: "vaccination 1 min in the future", edit: func(in *Input) { in.VaccinatedAt = ptr(now.Add(min)) },
			want: []FieldError{{FieldVaccinatedAt, ErrVaccinationInFuture}}},
		{name: "temperature 29.9", edit: func(in *Input) { in.TemperatureC = ptr(29.9) },
			want: []FieldError{{FieldTemperatureC, ErrTemperatureOutOfRange}}},
		{name: "temperature 45.1", edit: func(in *Input) { in.TemperatureC = ptr(45.1) },
			want: []FieldError{{FieldTemperatureC, ErrTemperatureOutOfRange}}},
		{name: "temperature in fahrenheit", edit: func(in *Input) { in.TemperatureC = ptr(100.4) },
			want: []FieldError{{FieldTemperatureC, ErrTemperatureOutOfRange}}},
		{name: "temperature NaN", edit: func(in *Input) { in.TemperatureC = ptr(math.NaN()) },
			want: []FieldError{{FieldTemperatureC, ErrTemperatureOutOfRange}}},
		{name: "temperature +Inf", edit: func(in *Input) { in.TemperatureC = ptr(math.Inf(1)) },
			want: []FieldError{{FieldTemperatureC, ErrTemperatureOutOfRange}}},
		{name: "temperature -Inf", edit: func(in *Input) { in.TemperatureC = ptr(math.Inf(-1)) },
			want: []FieldError{{FieldTemperatureC, ErrTemperatureOutOfRange}}},
		{name: "injection site unknown", edit: func(in *Input) { in.InjectionSite = "bottom" },
			want: []FieldError{{FieldInjectionSite, ErrUnknownSite}}},
		{name: "feed wait 19 min", settings: Settings{FeedWait: 19 * min},
			want: []FieldError{{FieldFeedWait, ErrFeedWaitOutOfRange}}},
		{name: "feed wait 61 min", settings: Settings{FeedWait: 61 * min},
			want: []FieldError{{FieldFeedWait, ErrFeedWaitOutOfRange}}},
		{name: "negative feed wait", settings: Settings{FeedWait: -30 * min},
			want: []FieldError{{FieldFeedWait, ErrFeedWaitOutOfRange}}},
		{name: "vaccination wait 23 h", settings: Settings{VaccinationWait: 23 * h},
			want: []FieldError{{FieldVaccinationWait, ErrVaccinationWaitOutOfRange}}},
		{name: "vaccination wait 8 days", settings: Settings{VaccinationWait: 8 * day},
			want: []FieldError{{FieldVaccinationWait, ErrVaccinationWaitOutOfRange}}},
		{name: "all at once",
			edit: func(in *Input) {
				in.State = "napping"
				in.TemperatureC = ptr(50.0)
				in.LastFeedAt = ptr(now.Add(h))
				in.VaccinatedAt = ptr(now.Add(day))
			},
			settings: Settings{FeedWait: 10 * min, VaccinationWait: -h},
			want: []FieldError{
				{FieldState, ErrUnknownState},
				{FieldTemperatureC, ErrTemperatureOutOfRange},
				{FieldLastFeedAt, ErrFeedInFuture},
				{FieldVaccinatedAt, ErrVaccinationInFuture},
				{FieldFeedWait, ErrFeedWaitOutOfRange},
				{FieldVaccinationWait, ErrVaccinationWaitOutOfRange},
			}},
		{name: "missing now still reports the rest",
			edit: func(in *Input) {
				in.State = ""
				in.Now = time.Time{}
				in.TemperatureC = ptr(20.0)
			},
			want: []FieldError{
				{FieldState, ErrStateRequired},
				{FieldTemperatureC, ErrTemperatureOutOfRange},
				{FieldNow, ErrNowRequired},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid
			if tt.edit != nil {
				tt.edit(&in)
			}
			got, err := Check(in, babyAged(120, 40), tt.settings)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if !slices.Equal(ve.Fields, tt.want) {
				t.Errorf("fields = %v, want %v", ve.Fields, tt.want)
			}
			if got.Verdict != Go || got.Reasons != nil || got.Adjust != nil || got.RetryAt != nil {
				t.Errorf("result = %+v, want the zero Result on error", got)
			}
		})
	}
}

func TestValidationErrorShapes(t *testing.T) {
	_, err := Check(Input{State: "x", Now: now, TemperatureC: ptr(10.0)}, Baby{}, Settings{})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	if got, want := err.Error(), "readiness: invalid state: unknown_state, temperature_c: temperature_out_of_range"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	m := ve.Map()
	if len(m) != 2 || m[FieldState] != ErrUnknownState || m[FieldTemperatureC] != ErrTemperatureOutOfRange {
		t.Errorf("Map() = %v", m)
	}
}

func TestValidateAlone(t *testing.T) {
	if err := (Settings{}).Validate(); err != nil {
		t.Errorf("zero settings: %v", err)
	}
	if err := DefaultSettings().Validate(); err != nil {
		t.Errorf("default settings: %v", err)
	}
	if err := (Settings{FeedWait: 5 * min}).Validate(); err == nil {
		t.Errorf("5 min feed wait accepted")
	}
	if err := (Input{State: Asleep, Now: now}).Validate(); err != nil {
		t.Errorf("valid input: %v", err)
	}
	if err := (Input{State: Asleep}).Validate(); err == nil {
		t.Errorf("input without now accepted")
	}
}

func TestParseState(t *testing.T) {
	for _, s := range States() {
		got, ok := ParseState(string(s))
		if !ok || got != s {
			t.Errorf("ParseState(%q) = %q, %v", s, got, ok)
		}
	}
	if len(States()) != 6 {
		t.Errorf("States() has %d states, want 6", len(States()))
	}
	for _, bad := range []string{"", "Asleep", " asleep", "awake", "quiet-alert"} {
		if _, ok := ParseState(bad); ok {
			t.Errorf("ParseState(%q) accepted", bad)
		}
	}
}

func TestVerdict(t *testing.T) {
	words := map[Verdict]string{Go: "go", Wait: "wait", NotToday: "not_today", SeekHelp: "seek_help"}
	for v, w := range words {
		if v.String() != w {
			t.Errorf("%d.String() = %q, want %q", int(v), v.String(), w)
		}
		b, err := json.Marshal(v)
		if err != nil || string(b) != `"`+w+`"` {
			t.Errorf("json.Marshal(%v) = %s, %v", v, b, err)
		}
		var back Verdict
		if err := json.Unmarshal(b, &back); err != nil || back != v {
			t.Errorf("json.Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	if !(SeekHelp > NotToday && NotToday > Wait && Wait > Go) {
		t.Errorf("verdicts are not ordered strongest last")
	}
	if got := max(Wait, SeekHelp, Go, NotToday); got != SeekHelp {
		t.Errorf("max = %v, want seek_help", got)
	}
	if got := Verdict(9).String(); got != "Verdict(9)" {
		t.Errorf("String of invalid = %q", got)
	}
	if _, err := Verdict(-1).MarshalText(); err == nil {
		t.Errorf("MarshalText of invalid verdict succeeded")
	}
	var v Verdict
	if err := v.UnmarshalText([]byte("maybe")); err == nil {
		t.Errorf("UnmarshalText(maybe) succeeded")
	}
}

func TestAge(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	born := time.Date(2026, time.March, 1, 0, 0, 0, 0, paris)
	tests := []struct {
		name      string
		baby      Baby
		now       time.Time
		age, corr int
	}{
		{"day of birth", Baby{BirthDate: born, GestationWeeks: 40}, born.Add(23 * h), 0, 0},
		// 2026-03-29 is the spring DST change in Paris: a 23-hour day.
		{"across DST", Baby{BirthDate: born, GestationWeeks: 40},
			time.Date(2026, time.April, 1, 0, 5, 0, 0, paris), 31, 31},
		// 23:30 UTC on 14 March is already 15 March in Paris.
		{"now in another zone", Baby{BirthDate: born, GestationWeeks: 40},
			time.Date(2026, time.March, 14, 23, 30, 0, 0, time.UTC), 14, 14},
		{"preterm 32 weeks", Baby{BirthDate: born, GestationWeeks: 32},
			time.Date(2026, time.March, 31, 12, 0, 0, 0, paris), 30, -26},
		{"post-term 42 weeks", Baby{BirthDate: born, GestationWeeks: 42},
			time.Date(2026, time.March, 11, 12, 0, 0, 0, paris), 10, 24},
		{"unknown gestation is term", Baby{BirthDate: born},
			time.Date(2026, time.March, 11, 12, 0, 0, 0, paris), 10, 10},
		{"birth date after now", Baby{BirthDate: born, GestationWeeks: 40},
			time.Date(2026, time.February, 27, 12, 0, 0, 0, paris), -2, -2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.baby.AgeDays(tt.now); got != tt.age {
				t.Errorf("AgeDays = %d, want %d", got, tt.age)
			}
			if got := tt.baby.CorrectedAgeDays(tt.now); got != tt.corr {
				t.Errorf("CorrectedAgeDays = %d, want %d", got, tt.corr)
			}
		})
	}
}
