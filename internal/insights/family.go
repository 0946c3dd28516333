package insights

// Everyone's part, and the parent's calm and the baby's nights around sessions.

import (
	"cmp"
	"slices"
	"time"

	"nurture/internal/domain"
)

// Caregivers is each person's part, in member order; people who left the
// family but recorded in the window follow, by id.
func Caregivers(sessions []domain.Session, touch []domain.Entry, members []domain.Member, from, to, now time.Time) []CaregiverPart {
	idx := map[string]int{}
	out := []CaregiverPart{}
	part := func(id string) *CaregiverPart {
		if i, ok := idx[id]; ok {
			return &out[i]
		}
		idx[id] = len(out)
		out = append(out, CaregiverPart{UserID: id, Relation: "other"})
		return &out[len(out)-1]
	}
	for _, m := range members {
		p := part(m.UserID)
		p.Name, p.Relation = m.Name, m.Relation
	}
	known := len(out)
	var totalSessions int
	var totalTouch float64
	for _, s := range sessions {
		p := part(s.CaregiverID)
		p.Sessions++
		p.SessionMinutes += s.EndedAt.Sub(s.StartedAt).Minutes()
		totalSessions++
	}
	for _, e := range touch {
		m := minutes(spans([]domain.Entry{e}, from, to, now))
		if m <= 0 {
			continue
		}
		part(e.CaregiverID).TouchMinutes += m
		totalTouch += m
	}
	slices.SortFunc(out[known:], func(a, b CaregiverPart) int { return cmp.Compare(a.UserID, b.UserID) })
	// Only the people who took part: a zero beside a name would read as blame.
	kept := out[:0]
	for _, p := range out {
		if p.Sessions == 0 && p.TouchMinutes == 0 {
			continue
		}
		if totalTouch > 0 {
			p.TouchShare = p.TouchMinutes / totalTouch
		}
		p.SessionShare = share(p.Sessions, totalSessions)
		p.SessionMinutes, p.TouchMinutes = round1(p.SessionMinutes), round1(p.TouchMinutes)
		kept = append(kept, p)
	}
	return kept
}

// ParentCalm averages the parent's calm before and after, over sessions
// where both were given, so the two numbers compare like with like.
func ParentCalm(sessions []domain.Session) Calm {
	var before, after []float64
	for _, s := range sessions {
		if s.ParentCalmBefore != nil && s.ParentCalmAfter != nil {
			before = append(before, float64(*s.ParentCalmBefore))
			after = append(after, float64(*s.ParentCalmAfter))
		}
	}
	return Calm{Sessions: len(before), Before: mean(before), After: mean(after)}
}

// NightsAfterEvening compares, night by night, the length of the first
// sleep begun between NightFrom and NightTo after a day with a session
// begun between EveningFrom and EveningTo, with the other nights. Nights
// without a finished sleep entry are not counted.
func NightsAfterEvening(sessions []domain.Session, sleep []domain.Entry, dates []string, loc *time.Location) Nights {
	evening := map[string]bool{}
	for _, s := range sessions {
		if h := s.StartedAt.In(loc).Hour(); h >= EveningFrom && h < EveningTo {
			evening[domain.DateOf(s.StartedAt, loc)] = true
		}
	}
	sorted := slices.Clone(sleep)
	slices.SortFunc(sorted, func(a, b domain.Entry) int { return a.StartedAt.Compare(b.StartedAt) })
	var after, other []float64
	for _, d := range dates {
		day, _ := time.ParseInLocation(time.DateOnly, d, loc)
		y, m, dd := day.Date()
		start := time.Date(y, m, dd, NightFrom, 0, 0, 0, loc)
		end := time.Date(y, m, dd+1, NightTo, 0, 0, 0, loc)
		i, _ := slices.BinarySearchFunc(sorted, start, func(e domain.Entry, t time.Time) int { return e.StartedAt.Compare(t) })
		if i == len(sorted) || !sorted[i].StartedAt.Before(end) || sorted[i].EndedAt == nil {
			continue // no night sleep logged, or it is still going
		}
		mins := sorted[i].EndedAt.Sub(sorted[i].StartedAt).Minutes()
		if evening[d] {
			after = append(after, mins)
		} else {
			other = append(other, mins)
		}
	}
	return Nights{
		AfterEveningSession: NightGroup{Nights: len(after), AvgMinutes: mean(after), MedianMinutes: median(after)},
		OtherNights:         NightGroup{Nights: len(other), AvgMinutes: mean(other), MedianMinutes: median(other)},
	}
}
