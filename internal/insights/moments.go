package insights

// The best moments for a session: hour bands and the time before a break.

import (
	"cmp"
	"slices"
	"time"

	"nurture/internal/domain"
)

// good is a completed session where the baby was engaged at half of the
// answered steps or more.
func good(s domain.Session) bool {
	if s.Outcome != domain.Completed {
		return false
	}
	var engaged, answered int
	for _, st := range s.Steps {
		switch st.Response {
		case domain.Engaged:
			engaged++
			answered++
		case domain.Neutral, domain.Disengaged:
			answered++
		}
	}
	return answered > 0 && 2*engaged >= answered
}

// HourBands sorts sessions into BandHours-long bands of their local start
// hour.
func HourBands(sessions []domain.Session, loc *time.Location) []HourBand {
	out := make([]HourBand, 24/BandHours)
	for i := range out {
		out[i].FromHour, out[i].ToHour = i*BandHours, (i+1)*BandHours
	}
	for _, s := range sessions {
		b := &out[s.StartedAt.In(loc).Hour()/BandHours]
		b.Sessions++
		if s.Outcome == domain.Completed {
			b.Completed++
		}
		if good(s) {
			b.Good++
		}
	}
	for i := range out {
		b := &out[i]
		b.GoodShare = share(b.Good, b.Sessions)
		b.GoodLower = Wilson(b.Good, b.Sessions)
		b.EnoughData = b.Sessions >= MinBandSessions
	}
	return out
}

// BestHours are the bands with enough data and at least one good session,
// ranked by the Wilson lower bound of their good share.
func BestHours(bands []HourBand) []HourBand {
	out := []HourBand{}
	for _, b := range bands {
		if b.EnoughData && b.Good > 0 {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b HourBand) int {
		return cmp.Or(cmp.Compare(b.GoodLower, a.GoodLower), cmp.Compare(b.Sessions, a.Sessions), cmp.Compare(a.FromHour, b.FromHour))
	})
	return out
}

// MinutesBeforeBreak is the median time into a session of the first
// disengaged step: the routine's step lengths before it, added up.
func MinutesBeforeBreak(sessions []domain.Session, stepSeconds func(string, int) (int, bool)) BreakTiming {
	var mins []float64
	if stepSeconds != nil {
	sessions:
		for _, s := range sessions {
			secs := 0
			for i, st := range s.Steps {
				if st.Response == domain.Disengaged {
					mins = append(mins, float64(secs)/60)
					continue sessions
				}
				n, ok := stepSeconds(s.RoutineID, i)
				if !ok {
					continue sessions
				}
				secs += n
			}
		}
	}
	return BreakTiming{Sessions: len(mins), MedianMinutes: median(mins)}
}
