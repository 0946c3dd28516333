// Package readiness decides whether now is a good time to massage a baby.
//
// It holds the pure rules from the readiness issue and DOMAIN.md §4 and §6:
// given the baby's state and a few facts (last feed, vaccination,
// temperature, illness, skin, cord), it returns a verdict, every reason that
// applies, the adjustments for the session, and when to try again where that
// is known. It does no I/O and never reads the clock: the caller passes now.
//
// Messages are not here. Every reason, adjustment, verdict and field error
// has a code; the web layer shows the i18n message "readiness.<code>"
// (verdicts "readiness.verdict.<verdict>", errors "readiness.error.<code>").
// Nothing in this package diagnoses anything, and the wording says so.
package readiness

import (
	"math"
	"slices"
	"time"
)

// Reason codes (they make the verdict) and adjustment codes (they change a
// session that goes ahead). Each has a message "readiness.<code>".
const (
	CodeFeverYoungBaby    = "fever_young_baby"
	CodeFever             = "fever"
	CodeLowTemperature    = "low_temperature"
	CodeUnwell            = "unwell"
	CodeRecentVaccination = "recent_vaccination"
	CodeAsleep            = "asleep"
	CodeCrying            = "crying"
	CodeFussy             = "fussy"
	CodeRecentlyFed       = "recently_fed"
	CodeHungry            = "hungry"
	CodeUnwellYoungBaby   = "unwell_young_baby"

	CodeAvoidInjectionSite = "avoid_injection_site" // the thighs, under 12 months
	CodeAvoidInjectionArm  = "avoid_injection_arm"  // the upper arms, from 12 months
	CodeGentleBedtime      = "gentle_bedtime"
	CodeAvoidAffectedSkin  = "avoid_affected_skin"
	CodeAvoidNavel         = "avoid_navel"
	CodeNoOil              = "no_oil"
	CodeStillTouchOnly     = "still_touch_only"
)

// Codes lists every reason and adjustment code in the order of the rules
// table, so catalogs can be checked for completeness.
func Codes() []string {
	return []string{
		CodeFeverYoungBaby, CodeFever, CodeLowTemperature, CodeUnwellYoungBaby, CodeUnwell,
		CodeRecentVaccination, CodeAsleep, CodeCrying, CodeFussy, CodeHungry, CodeRecentlyFed,
		CodeAvoidInjectionSite, CodeAvoidInjectionArm, CodeGentleBedtime, CodeAvoidAffectedSkin,
		CodeAvoidNavel, CodeNoOil, CodeStillTouchOnly,
	}
}

// Thresholds from the readiness issue. Temperatures are compared in
// hundredths of a degree (see centiC).
const (
	feverCentiC     = 3800 // ≥ 38.0 °C
	highFeverCentiC = 3900 // ≥ 39.0 °C
	lowTempCentiC   = 3600 // < 36.0 °C

	youngBabyDays = 91  // "under 3 months"
	infantDays    = 183 // "3 to 6 months"
	noOilDays     = 28  // no oils or lotions in the first ~4 weeks
	// CordDays: the stump falls off at 5–15 days and the navel heals about
	// 10 days later (DOMAIN.md §4); until then an unanswered cord question
	// counts as "not healed".
	CordDays = 28
	// armSiteDays: from 12 months injections usually go in the upper arm,
	// before that in the thigh (NHS).
	armSiteDays  = 365
	pretermWeeks = 37 // born before 37 weeks is preterm

	// injectionSiteWindow: skip the injection site for a week.
	injectionSiteWindow = 7 * 24 * time.Hour
)

// TermWeeks is the due date in weeks of gestation; corrected age counts from it.
const TermWeeks = 40

// MinTemperatureC and MaxTemperatureC bound a believable body temperature;
// anything outside is a typo or a °F value in the °C field.
const (
	MinTemperatureC = 30
	MaxTemperatureC = 45
)

// Finding is one reason or adjustment, identified by its code.
type Finding struct {
	Code string `json:"code"`
}

// Result is the answer of Check.
type Result struct {
	Verdict Verdict
	// Reasons are every rule that pushed the verdict away from go, strongest
	// first (table order). Empty for go.
	Reasons []Finding
	// Adjust lists changes for the session. It is always computed, so a
	// parent told to wait already knows what to change later, but it only
	// matters when the verdict is go.
	Adjust []Finding
	// RetryAt is when to try again, nil when not known (see Check).
	RetryAt *time.Time
}

// Check applies the readiness rules to one baby at in.Now.
//
// Every applying reason is listed and the strongest verdict wins. It returns
// a *ValidationError holding every bad field at once when the input or the
// settings are invalid.
func Check(in Input, baby Baby, s Settings) (Result, error) {
	s = s.withDefaults()
	if err := asError(append(in.fieldErrors(), s.fieldErrors()...)); err != nil {
		return Result{}, err
	}

	c := checker{res: Result{Verdict: Go, Reasons: []Finding{}, Adjust: []Finding{}}}
	// Every age limit that protects the baby uses the cautious age, the
	// younger of chronological and corrected age: a baby born early is
	// treated as the younger baby it is by its due date, and a baby born
	// late is never treated as older than it is.
	age := baby.CautiousAgeDays(in.Now)

	// Temperature gives at most one finding: the first matching row, so a
	// 39 °C fever in a 2-month-old is reported once, as fever_young_baby.
	//
	// DOMAIN.md §6 excepts a fever within 48 h of vaccines in an otherwise
	// well baby. We deliberately do not relax seek_help for it: whether the
	// baby is "otherwise well" is a judgement for a professional, and the
	// safer default is to send the family to one.
	if in.TemperatureC != nil {
		t := centiC(*in.TemperatureC)
		switch {
		case t >= feverCentiC && age < youngBabyDays:
			c.reason(SeekHelp, CodeFeverYoungBaby, nil)
		case t >= highFeverCentiC && age < infantDays:
			c.reason(SeekHelp, CodeFever, nil)
		case t < lowTempCentiC:
			c.reason(SeekHelp, CodeLowTemperature, nil)
		case t >= feverCentiC:
			c.reason(NotToday, CodeFever, nil)
		}
	}
	// A baby under 3 months who seems unwell needs a professional to look,
	// not just a day off (NHS: trust your instincts, call 111 or the GP).
	if in.Unwell && age < youngBabyDays {
		c.reason(SeekHelp, CodeUnwellYoungBaby, nil)
	} else if in.Unwell {
		c.reason(NotToday, CodeUnwell, nil)
	}
	if in.VaccinatedAt != nil {
		since := in.Now.Sub(*in.VaccinatedAt)
		switch {
		case since < s.VaccinationWait:
			retry := in.VaccinatedAt.Add(s.VaccinationWait)
			c.reason(NotToday, CodeRecentVaccination, &retry)
		case since <= injectionSiteWindow:
			// Inclusive: "skip the site for a week" errs on the gentle side.
			// The site the parent names wins; otherwise the usual one for
			// the baby's age at the injection.
			arm := baby.AgeDays(*in.VaccinatedAt) >= armSiteDays
			if in.InjectionSite != "" {
				arm = in.InjectionSite == SiteArm
			}
			if arm {
				c.adjust(CodeAvoidInjectionArm)
			} else {
				c.adjust(CodeAvoidInjectionSite)
			}
		}
	}
	switch in.State {
	case Asleep:
		c.reason(Wait, CodeAsleep, nil)
	case Crying:
		c.reason(Wait, CodeCrying, nil)
	case Fussy:
		c.reason(Wait, CodeFussy, nil)
	case Drowsy:
		c.adjust(CodeGentleBedtime)
	}
	if in.Hungry {
		c.reason(Wait, CodeHungry, nil)
	}
	if in.LastFeedAt != nil && in.Now.Sub(*in.LastFeedAt) < s.FeedWait {
		retry := in.LastFeedAt.Add(s.FeedWait)
		c.reason(Wait, CodeRecentlyFed, &retry)
	}

	if in.SkinIssue {
		c.adjust(CodeAvoidAffectedSkin)
	}
	// An explicit "not healed" always avoids the navel; under CordDays an
	// unanswered question does too (older babies are never asked). The
	// cord heals with time since birth, so this one counts from birth.
	if (in.CordHealed != nil && !*in.CordHealed) || (in.CordHealed == nil && baby.AgeDays(in.Now) < CordDays) {
		c.adjust(CodeAvoidNavel)
	}
	if age < noOilDays {
		c.adjust(CodeNoOil)
	}
	if baby.BeforeDueDate(in.Now) {
		c.adjust(CodeStillTouchOnly)
	}

	c.settleRetry()
	return c.res, nil
}

// checker collects findings while the rules run.
type checker struct {
	res Result
	// openEnded is set when a not_today reason has no known end.
	openEnded bool
}

func (c *checker) reason(v Verdict, code string, retry *time.Time) {
	c.res.Verdict = max(c.res.Verdict, v)
	c.res.Reasons = appendUnique(c.res.Reasons, code)
	if retry != nil {
		if c.res.RetryAt == nil || retry.After(*c.res.RetryAt) {
			t := *retry
			c.res.RetryAt = &t
		}
	} else if v == NotToday {
		c.openEnded = true
	}
}

func (c *checker) adjust(code string) {
	c.res.Adjust = appendUnique(c.res.Adjust, code)
}

// settleRetry drops a retry time that would mislead. With seek_help the
// family should contact a professional, not wait for a time; and when a
// not_today reason has no known end (fever, unwell) no time can be promised,
// even if a shorter wait (a feed) has one. A wait without an end (asleep,
// crying, fussy) keeps a known time from another wait, since "not before"
// is still useful there.
func (c *checker) settleRetry() {
	if c.res.Verdict == SeekHelp || c.openEnded {
		c.res.RetryAt = nil
	}
}

// appendUnique keeps the first occurrence of each code, in rule order.
func appendUnique(fs []Finding, code string) []Finding {
	if slices.ContainsFunc(fs, func(f Finding) bool { return f.Code == code }) {
		return fs
	}
	return append(fs, Finding{Code: code})
}

// centiC rounds a temperature to hundredths of a degree. A value converted
// from °F (100.4 °F) lands a hair below or above 38.0 in floating point; the
// rounding makes the thresholds behave as a person reads them.
func centiC(t float64) int {
	return int(math.Round(t * 100))
}

// Baby is what the rules need to know about the baby.
type Baby struct {
	// BirthDate is the civil birth date at midnight in the family's time
	// zone; its Location decides where "today" is when counting days.
	BirthDate time.Time
	// GestationWeeks at birth; 0 means unknown and counts as term (40).
	GestationWeeks int
}

// AgeDays is the baby's chronological age in whole days on the civil date
// of now in the birth date's zone: 0 on the day of birth. A birth date after
// now gives a negative age, which the rules treat as a newborn.
func (b Baby) AgeDays(now time.Time) int {
	return civilDays(b.BirthDate, now.In(b.BirthDate.Location()))
}

// CorrectedAgeDays is the age counted from the due date:
// age − (40 − gestation weeks) × 7. Negative before the due date; larger
// than the age for a baby born after 40 weeks.
func (b Baby) CorrectedAgeDays(now time.Time) int {
	return b.AgeDays(now) - (TermWeeks-b.gestation())*7
}

// CautiousAgeDays is the younger of the chronological and the corrected
// age: the one every age limit that protects the baby uses.
func (b Baby) CautiousAgeDays(now time.Time) int {
	if c := b.CorrectedAgeDays(now); c < b.AgeDays(now) {
		return c
	}
	return b.AgeDays(now)
}

// BeforeDueDate reports a preterm baby not yet at its due date: still
// touch only.
func (b Baby) BeforeDueDate(now time.Time) bool {
	return b.gestation() < pretermWeeks && b.CorrectedAgeDays(now) < 0
}

func (b Baby) gestation() int {
	if b.GestationWeeks == 0 {
		return TermWeeks
	}
	return b.GestationWeeks
}

// civilDays counts calendar days between the dates of two times, each read
// in its own location. Counting in UTC avoids 23- and 25-hour DST days.
func civilDays(from, to time.Time) int {
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	a := time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC)
	b := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a) / (24 * time.Hour))
}
