package readiness

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// State is the baby's behavioural state as the parent sees it right now.
type State string

// The states a parent can pick, calmest-and-ready first.
const (
	QuietAlert  State = "quiet_alert"
	ActiveAlert State = "active_alert"
	Drowsy      State = "drowsy"
	Fussy       State = "fussy"
	Crying      State = "crying"
	Asleep      State = "asleep"
)

// States lists every state in display order.
func States() []State {
	return []State{QuietAlert, ActiveAlert, Drowsy, Fussy, Crying, Asleep}
}

// ParseState accepts exactly one of the snake_case state words.
func ParseState(s string) (State, bool) {
	st := State(s)
	return st, st.Valid()
}

// Valid reports whether s is one of the known states.
func (s State) Valid() bool {
	switch s {
	case QuietAlert, ActiveAlert, Drowsy, Fussy, Crying, Asleep:
		return true
	}
	return false
}

// Verdict is the answer to "is now a good time?". Verdicts are ordered so
// that a larger value is stronger and max picks the one that wins:
// SeekHelp > NotToday > Wait > Go.
type Verdict int

// Verdicts, weakest first.
const (
	Go Verdict = iota
	Wait
	NotToday
	SeekHelp
)

var verdictWords = [...]string{Go: "go", Wait: "wait", NotToday: "not_today", SeekHelp: "seek_help"}

// String gives the snake_case word used in the API and in message keys.
func (v Verdict) String() string {
	if v < Go || v > SeekHelp {
		return fmt.Sprintf("Verdict(%d)", int(v))
	}
	return verdictWords[v]
}

// MarshalText makes a Verdict encode as its word in JSON.
func (v Verdict) MarshalText() ([]byte, error) {
	if v < Go || v > SeekHelp {
		return nil, fmt.Errorf("readiness: invalid verdict %d", int(v))
	}
	return []byte(verdictWords[v]), nil
}

// UnmarshalText reads a verdict word, so API clients and tests can decode.
func (v *Verdict) UnmarshalText(b []byte) error {
	for i, w := range verdictWords {
		if w == string(b) {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("readiness: unknown verdict %q", b)
}

// Input is what the parent answers, plus the time of the check.
type Input struct {
	State State
	// LastFeedAt and VaccinatedAt are nil when not given.
	LastFeedAt   *time.Time
	VaccinatedAt *time.Time
	// TemperatureC is nil when not measured.
	TemperatureC *float64
	Unwell       bool
	SkinIssue    bool
	// Hungry: a hungry baby is fed first.
	Hungry bool
	// InjectionSite is where the last vaccination went, when the parent
	// says: SiteThigh or SiteArm; "" lets the baby's age decide.
	InjectionSite string
	// CordHealed is nil when the question was not asked; only an explicit
	// false asks to avoid the navel.
	CordHealed *bool
	// Now is the moment of the check; the caller reads the clock.
	Now time.Time
}

// Injection sites a parent can name.
const (
	SiteThigh = "thigh"
	SiteArm   = "arm"
)

// Feed wait bounds and defaults. After-feed advice ranges from 10 to 60
// minutes (DOMAIN.md §4); the family picks within 20–60, default 30.
const (
	MinFeedWait            = 20 * time.Minute
	MaxFeedWait            = 60 * time.Minute
	DefaultFeedWait        = 30 * time.Minute
	DefaultVaccinationWait = 48 * time.Hour
	// Vaccination advice ranges from 24 h to a week (DOMAIN.md §4).
	MinVaccinationWait = 24 * time.Hour
	MaxVaccinationWait = 7 * 24 * time.Hour
)

// Settings are the family's choices for the rules. A zero field takes its
// default, so Settings{} is the default settings.
type Settings struct {
	FeedWait        time.Duration
	VaccinationWait time.Duration
}

// DefaultSettings returns the settings used when the family changed nothing.
func DefaultSettings() Settings {
	return Settings{FeedWait: DefaultFeedWait, VaccinationWait: DefaultVaccinationWait}
}

func (s Settings) withDefaults() Settings {
	if s.FeedWait == 0 {
		s.FeedWait = DefaultFeedWait
	}
	if s.VaccinationWait == 0 {
		s.VaccinationWait = DefaultVaccinationWait
	}
	return s
}

// Validate checks the settings, so the settings page can reuse the rule.
// It returns a *ValidationError or nil.
func (s Settings) Validate() error {
	return asError(s.withDefaults().fieldErrors())
}

func (s Settings) fieldErrors() []FieldError {
	var fs []FieldError
	if s.FeedWait < MinFeedWait || s.FeedWait > MaxFeedWait {
		fs = append(fs, FieldError{Field: FieldFeedWait, Code: ErrFeedWaitOutOfRange})
	}
	if s.VaccinationWait < MinVaccinationWait || s.VaccinationWait > MaxVaccinationWait {
		fs = append(fs, FieldError{Field: FieldVaccinationWait, Code: ErrVaccinationWaitOutOfRange})
	}
	return fs
}

// Validate checks the input on its own. Check does it too.
// It returns a *ValidationError or nil.
func (in Input) Validate() error {
	return asError(in.fieldErrors())
}

func (in Input) fieldErrors() []FieldError {
	var fs []FieldError
	switch {
	case in.State == "":
		fs = append(fs, FieldError{Field: FieldState, Code: ErrStateRequired})
	case !in.State.Valid():
		fs = append(fs, FieldError{Field: FieldState, Code: ErrUnknownState})
	}
	if t := in.TemperatureC; t != nil {
		// NaN and ±Inf are checked first: converting them to int is undefined.
		if math.IsNaN(*t) || math.IsInf(*t, 0) ||
			centiC(*t) < MinTemperatureC*100 || centiC(*t) > MaxTemperatureC*100 {
			fs = append(fs, FieldError{Field: FieldTemperatureC, Code: ErrTemperatureOutOfRange})
		}
	}
	if in.Now.IsZero() {
		// Without a moment the times cannot be judged; report only this.
		return append(fs, FieldError{Field: FieldNow, Code: ErrNowRequired})
	}
	if in.InjectionSite != "" && in.InjectionSite != SiteThigh && in.InjectionSite != SiteArm {
		fs = append(fs, FieldError{Field: FieldInjectionSite, Code: ErrUnknownSite})
	}
	if in.LastFeedAt != nil && in.LastFeedAt.After(in.Now) {
		fs = append(fs, FieldError{Field: FieldLastFeedAt, Code: ErrFeedInFuture})
	}
	if in.VaccinatedAt != nil && in.VaccinatedAt.After(in.Now) {
		fs = append(fs, FieldError{Field: FieldVaccinatedAt, Code: ErrVaccinationInFuture})
	}
	return fs
}

// Field names in FieldError: the JSON names of the readiness request, and
// of the family settings for the two waits.
const (
	FieldState           = "state"
	FieldNow             = "now"
	FieldLastFeedAt      = "last_feed_at"
	FieldVaccinatedAt    = "vaccinated_at"
	FieldTemperatureC    = "temperature_c"
	FieldInjectionSite   = "injection_site"
	FieldFeedWait        = "feed_wait"
	FieldVaccinationWait = "vaccination_wait"
)

// Field error codes; each has a message "readiness.error.<code>".
const (
	ErrStateRequired             = "state_required"
	ErrUnknownState              = "unknown_state"
	ErrNowRequired               = "now_required"
	ErrFeedInFuture              = "feed_in_future"
	ErrVaccinationInFuture       = "vaccination_in_future"
	ErrTemperatureOutOfRange     = "temperature_out_of_range"
	ErrUnknownSite               = "unknown_site"
	ErrFeedWaitOutOfRange        = "feed_wait_out_of_range"
	ErrVaccinationWaitOutOfRange = "vaccination_wait_out_of_range"
)

// ErrorCodes lists every field error code, for catalog checks.
func ErrorCodes() []string {
	return []string{
		ErrStateRequired, ErrUnknownState, ErrNowRequired, ErrFeedInFuture,
		ErrVaccinationInFuture, ErrTemperatureOutOfRange, ErrUnknownSite, ErrFeedWaitOutOfRange,
		ErrVaccinationWaitOutOfRange,
	}
}

// FieldError says which field is wrong and why, as a code. The API turns it
// into a 422 with "fields": {Field: message of "readiness.error.<Code>"}.
type FieldError struct {
	Field string
	Code  string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Code }

// ValidationError holds every field error of one check, in a stable order:
// input fields first, then settings.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "readiness: invalid " + strings.Join(parts, ", ")
}

// Map gives field → code, the shape of the API's "fields" object.
func (e *ValidationError) Map() map[string]string {
	m := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		m[f.Field] = f.Code
	}
	return m
}

func asError(fs []FieldError) error {
	if len(fs) == 0 {
		return nil
	}
	return &ValidationError{Fields: fs}
}
