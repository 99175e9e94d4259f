package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
)

// cityDescriptions are the short notes teachers add to a record; most add none, and the
// data set's size counts.
var cityDescriptions = []string{"", "", "", "", "全体学生参加。", "按年级分批开展。", "各班分别开展。", "活动后收集学生感想。"}

// cityActivities writes n activity records over the previous and the current school year,
// school by school, in chunks of one transaction each. A school's share grows with its
// enrolment; the current year's share with the part of it that has passed. In the previous
// year most schools did most of the ten, a quarter all of them; in the current year fewer
// so far. Previous-year records are whole-school or grade records (the set has no classes
// of that year); about two in three current-year class activities name one to four of the
// school's classes. Dates never lie after now, and no record has files.
func cityActivities(ctx context.Context, s *store.Store, r *rand.Rand, now time.Time, schools []*portal.School,
	classes []*portal.Class, enrolled map[int64]int, n int, progress func(string)) error {
	if n == 0 {
		return nil
	}
	cat, err := content.Activities()
	if err != nil {
		return err
	}
	year := portal.SchoolYear(now)
	bySchool := map[int64][]portal.Class{}
	for _, c := range classes {
		bySchool[c.SchoolID] = append(bySchool[c.SchoolID], *c)
	}
	// Days of each year a record can fall on: the whole previous year, the current one up
	// to today.
	prevStart, curStart := portal.SchoolYearBounds(year - 1)
	elapsed := int(now.Sub(curStart).Hours() / 24)
	part := min(1, float64(elapsed+1)/365)
	weights := make([]float64, 2*len(schools))
	for i, sc := range schools {
		w := float64(sc.Enrolment) * (0.6 + 0.8*r.Float64())
		weights[2*i], weights[2*i+1] = w, w*part*0.9
	}
	quota := apportion(n, weights)

	var batch []*portal.Activity
	total := 0
	flush := func() error {
		if err := s.BulkCreateActivities(ctx, portal.SystemActor, batch); err != nil {
			return err
		}
		total += len(batch)
		batch = batch[:0]
		progress(fmt.Sprintf("%d activities", total))
		return nil
	}
	for i, sc := range schools {
		for k, y := range []int{year - 1, year} {
			start, days := prevStart, 364
			var cs []portal.Class
			if y == year {
				start, days, cs = curStart, elapsed, bySchool[sc.ID]
			}
			for _, a := range schoolYearActivities(r, cat, sc, cs, enrolled, y, start, days, quota[2*i+k]) {
				if f := a.Validate(cat, sc, cs, now); len(f) > 0 {
					return fmt.Errorf("%s of %s in %d: %v", a.Type, sc.Name, y, f)
				}
				a.CreatedAt = a.Date.Add(time.Duration(17+r.IntN(5)) * time.Hour)
				if a.CreatedAt.After(now) {
					a.CreatedAt = now
				}
				batch = append(batch, a)
			}
		}
		if len(batch) >= 50000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// schoolYearActivities makes n records of one school in one school year: first one of each
// activity of the ten the school did, then more of those and of the other kinds.
func schoolYearActivities(r *rand.Rand, cat *portal.ActivityCatalogue, sc *portal.School, cs []portal.Class,
	enrolled map[int64]int, year int, start time.Time, days, n int) []*portal.Activity {
	if n == 0 {
		return nil
	}
	// Activities held in June (the pledge before graduating, the 26 June day) wait for
	// June in the current year.
	june := days >= 280
	var ten []*portal.ActivityType
	for k := range cat.Ten {
		if t := &cat.Ten[k]; t.AppliesToSchool(sc) && (june || !t.GraduatingOnly) {
			ten = append(ten, t)
		}
	}
	var other []*portal.ActivityType
	for k := range cat.Other {
		if t := &cat.Other[k]; june || t.Key != "june-26" {
			other = append(other, t)
		}
	}
	done := len(ten)
	switch p := r.IntN(100); {
	case days == 364 && p < 25, days < 364 && p < int(15*float64(days)/365):
		// All of them.
	case days == 364 && p < 92:
		done = min(done, 7+r.IntN(3))
	case days == 364:
		done = min(done, 2+r.IntN(5))
	default:
		done = min(done, 1+r.IntN(1+int(9*float64(days)/365)))
	}
	done = min(done, n)
	r.Shuffle(len(ten), func(i, j int) { ten[i], ten[j] = ten[j], ten[i] })
	ten = ten[:done]
	out := make([]*portal.Activity, 0, n)
	for i := range n {
		t := ten[min(i, len(ten)-1)]
		if i >= done {
			if r.IntN(10) < 3 || done == 0 {
				t = other[r.IntN(len(other))]
			} else {
				t = ten[r.IntN(done)]
			}
		}
		out = append(out, cityActivity(r, t, sc, cs, enrolled, year, start, days))
	}
	return out
}

// cityActivity makes one record of type t. Without classes (the previous year) a record
// that is not for the whole school counts a grade or two of it.
func cityActivity(r *rand.Rand, t *portal.ActivityType, sc *portal.School, cs []portal.Class, enrolled map[int64]int,
	year int, start time.Time, days int) *portal.Activity {
	a := &portal.Activity{SchoolID: sc.ID, SchoolYear: year, Type: t.Key}
	titles := activityTitles[t.Key]
	if a.Title = titles[r.IntN(len(titles))]; a.Title == "%s" {
		a.Title = t.Name
	}
	day := r.IntN(days + 1)
	switch t.Key {
	case "graduate-oath":
		day = min(days, 280+r.IntN(15))
	case "june-26":
		day = min(days, 295+r.IntN(5))
	}
	a.Date = start.AddDate(0, 0, day)
	first, last, _ := sc.Stage.Grades()
	perGrade := sc.Enrolment / (last - first + 1)
	var fits []portal.Class
	for _, c := range cs {
		if t.AppliesToClass(sc, c.Grade) {
			fits = append(fits, c)
		}
	}
	switch {
	case t.Key == "flag-oath" || t.Key == "june-26" || t.Key == "parent-letter":
		a.WholeSchool = true
		a.Students = sc.Enrolment * (80 + r.IntN(20)) / 100
		a.Teachers = 20 + r.IntN(60)
	case len(fits) > 0 && r.IntN(3) > 0:
		k := 1 + r.IntN(min(len(fits), 4))
		for _, j := range r.Perm(len(fits))[:k] {
			a.ClassIDs = append(a.ClassIDs, fits[j].ID)
			a.Students += enrolled[fits[j].ID]
		}
		a.Students = min(sc.Enrolment, a.Students)
		a.Teachers = k + r.IntN(3)
	default:
		// The graduating grade, or one or two grades.
		a.WholeSchool = true
		grades := 1
		if !t.GraduatingOnly {
			grades += r.IntN(2)
		}
		a.Students = min(sc.Enrolment, grades*perGrade*(85+r.IntN(15))/100)
		a.Teachers = 2*grades + r.IntN(8)
	}
	if t.Key == "parent-letter" || t.Key == "parent-meeting" {
		a.Parents = a.Students * (70 + r.IntN(25)) / 100
	}
	a.Speaker = activitySpeakers[r.IntN(len(activitySpeakers))]
	a.Description = cityDescriptions[r.IntN(len(cityDescriptions))]
	a.Published = r.IntN(10) < 4
	a.FaceConsent = r.IntN(10) < 7
	return a
}

// apportion divides n into whole parts proportional to weights that add up to exactly n
// (the largest-remainder rule on running totals).
func apportion(n int, weights []float64) []int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	var run float64
	prev := 0
	for i, w := range weights {
		run += w
		next := int(float64(n) * run / sum)
		if i == len(weights)-1 {
			next = n
		}
		out[i] = next - prev
		prev = next
	}
	return out
}
