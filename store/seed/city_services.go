package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// cityServices writes n confirmed services: past opportunities of every association over
// the previous and the current school year, held and with hours confirmed, each with its
// members signed up, attended, and credited with the opportunity's length (2 to 4 hours in
// half hours). An association's opportunities never overlap in time (a weekend morning or
// afternoon each, or a weekday evening when the weekends run out), and every volunteer of
// the set belongs to one association, so no volunteer holds two places at once.
func cityServices(ctx context.Context, s *store.Store, r *rand.Rand, now time.Time, districts []*portal.District,
	assocs []*portal.Association, users []*portal.User, n int, progress func(string)) error {
	if n == 0 {
		return nil
	}
	members := map[int64][]int64{}
	for _, u := range users {
		if u.Role == portal.RoleVolunteer {
			members[u.AssociationID] = append(members[u.AssociationID], u.ID)
		}
	}
	districtName := map[int64]string{}
	for _, d := range districts {
		districtName[d.ID] = d.Name
	}
	prevStart, _ := portal.SchoolYearBounds(portal.SchoolYear(now) - 1)
	// Held at least three days ago, so hours are confirmed.
	weekends, evenings := serviceSlots(prevStart, now.AddDate(0, 0, -3))
	weights := make([]float64, len(assocs))
	for i := range weights {
		weights[i] = 0.7 + 0.6*r.Float64()
	}
	quota := apportion(n, weights)
	d := &store.SeedVolunteerData{}
	for i, as := range assocs {
		pool := members[as.ID]
		left := quota[i]
		if left > 0 && len(pool) == 0 {
			return fmt.Errorf("association %s has services but no volunteers", as.Name)
		}
		var sizes []int
		for left > 0 {
			k := min(left, len(pool), 8+r.IntN(18))
			sizes = append(sizes, k)
			left -= k
		}
		slots := weekends
		if len(sizes) > len(slots) {
			slots = slices.Concat(weekends, evenings)
		}
		if len(sizes) > len(slots) {
			return fmt.Errorf("association %s: %d services need %d opportunities, more than the %d times free",
				as.Name, quota[i], len(sizes), len(slots))
		}
		picked := r.Perm(len(slots))[:len(sizes)]
		slices.SortFunc(picked, func(a, b int) int { return slots[a].start.Compare(slots[b].start) })
		for k, si := range picked {
			t := pastTitles[r.IntN(len(pastTitles))]
			start, end := slots[si].start, slots[si].start.Add(slots[si].length(r))
			o := &store.SeedOpportunity{Opportunity: portal.Opportunity{AssociationID: as.ID, Title: t.title,
				Place: districtName[as.DistrictID] + t.place, StartsAt: start, EndsAt: end, Deadline: start.Add(-24 * time.Hour),
				Capacity: sizes[k] + r.IntN(4), Skills: t.skills, HoursConfirmed: true, CreatedAt: start.AddDate(0, 0, -14)}}
			hours := portal.RoundHours(o.Hours())
			for _, j := range r.Perm(len(pool))[:sizes[k]] {
				o.Signups = append(o.Signups, store.SeedSignup{UserID: pool[j], Status: portal.SignupConfirmed, Attended: true, Hours: hours})
			}
			d.Opportunities = append(d.Opportunities, o)
		}
	}
	if err := s.BulkSeedVolunteers(ctx, portal.SystemActor, d); err != nil {
		return err
	}
	progress(fmt.Sprintf("%d services in %d opportunities", n, len(d.Opportunities)))
	return nil
}

// serviceSlot is a time an opportunity can start: a weekend morning or afternoon, or a
// weekday evening (two hours only, before the city sleeps).
type serviceSlot struct {
	start   time.Time
	evening bool
}

// length returns how long an opportunity in the slot lasts: 2 to 4 hours in half hours,
// so that a morning ends by 13:00 and an afternoon by 18:00.
func (s serviceSlot) length(r *rand.Rand) time.Duration {
	if s.evening {
		return 2 * time.Hour
	}
	return 2*time.Hour + time.Duration(r.IntN(5))*30*time.Minute
}

// serviceSlots returns the slots from one day to another that end before the second: the
// weekend ones and the weekday evenings, each in time order; none of them overlap.
func serviceSlots(from, to time.Time) (weekends, evenings []serviceSlot) {
	for day := from.In(portal.CST); ; day = day.AddDate(0, 0, 1) {
		at := func(h int) time.Time { return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, portal.CST) }
		if !at(23).Before(to) {
			break
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekends = append(weekends, serviceSlot{start: at(9)}, serviceSlot{start: at(14)})
		} else {
			evenings = append(evenings, serviceSlot{start: at(19), evening: true})
		}
	}
	return weekends, evenings
}
