package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/uploads"
)

// activityTitles are titles a school might give its records, by type; "%s" is the
// catalogue's name.
var activityTitles = map[string][]string{
	"law-class":      {"“珍爱生命 远离毒品”禁毒法制课", "民警进校园：禁毒知识法制课", "%s"},
	"class-meeting":  {"“拒绝毒品 从我做起”主题班会", "“识毒防毒 健康成长”主题班会", "%s"},
	"reflection":     {"禁毒教育心得体会征集", "观影后写禁毒心得", "%s"},
	"newspaper":      {"禁毒手抄报评比", "“无毒校园”黑板报展示", "%s"},
	"flag-oath":      {"升旗仪式禁毒宣誓", "“6·26”前夕国旗下禁毒宣誓", "%s"},
	"film":           {"观看禁毒影片《门徒》", "观看禁毒专题片《毒品的危害》", "%s"},
	"parent-letter":  {"致家长的一封禁毒公开信", "寒假前禁毒公开信", "%s"},
	"graduate-oath":  {"毕业年级禁毒宣誓", "毕业典礼禁毒宣誓", "%s"},
	"base-visit":     {"参观市禁毒教育基地", "走进禁毒教育基地", "%s"},
	"essay-contest":  {"“青春无毒”征文比赛", "禁毒主题征文比赛", "%s"},
	"lecture":        {"禁毒专题讲座", "新型毒品识别讲座", "%s"},
	"june-26":        {"“6·26”国际禁毒日宣传活动", "国际禁毒日禁毒知识展板", "%s"},
	"parent-meeting": {"禁毒主题家长会", "%s"},
	"other":          {"禁毒知识竞赛", "禁毒文艺汇演"},
}

var activitySpeakers = []string{"", "", "", "辖区派出所民警", "市禁毒志愿者协会志愿者", "禁毒办工作人员", "校医"}

// activities makes the records of the demo city's schools in both school years: in the
// previous year about a fifth of the schools did all ten, most did some and a few none;
// the current year has only started, so fewer are done. The demo teacher's school did all
// ten last year and part this year. Photos are the shared demo illustrations. A random
// source of its own keeps the rest of the city unchanged when this part changes.
func (g *gen) activities(ctx context.Context, s *store.Store, schools []*portal.School, classes []*portal.Class) error {
	cat, err := content.Activities()
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2015, 3))
	type key struct {
		school int64
		year   int
	}
	byYear := map[key][]portal.Class{}
	for _, c := range classes {
		k := key{c.SchoolID, c.SchoolYear}
		byYear[k] = append(byYear[k], *c)
	}
	var out []*portal.Activity
	for _, year := range []int{g.year - 1, g.year} {
		start, end := portal.SchoolYearBounds(year)
		last := end.AddDate(0, 0, -1)
		if last.After(g.now) {
			last = g.now
		}
		days := int(last.Sub(start).Hours() / 24)
		for i, sc := range schools {
			cs := byYear[key{sc.ID, year}]
			if len(cs) == 0 {
				continue
			}
			// How many of the ten the school did.
			n := 0
			switch p := r.IntN(100); {
			case i == 0:
				n = map[bool]int{true: 10, false: 4}[year < g.year]
			case year < g.year && p < 20, year == g.year && p < 4:
				n = 10
			case p < 88:
				n = 1 + r.IntN(map[bool]int{true: 9, false: 5}[year < g.year])
			}
			order := r.Perm(len(cat.Ten))
			var types []*portal.ActivityType
			for _, k := range order[:n] {
				if t := &cat.Ten[k]; t.AppliesToSchool(sc) {
					types = append(types, t)
				}
			}
			if n == 10 || r.IntN(3) == 0 {
				types = append(types, &cat.Other[r.IntN(len(cat.Other))])
			}
			for _, t := range types {
				a := g.activity(r, t, sc, cs, year, start, days)
				if a == nil {
					continue
				}
				if f := a.Validate(cat, sc, cs, g.now); len(f) > 0 {
					return fmt.Errorf("demo activity %s of %s: %v", t.Key, sc.Name, f)
				}
				out = append(out, a)
			}
		}
	}
	return s.BulkCreateActivities(ctx, portal.SystemActor, out)
}

// activity makes one record of type t, or nil when the school has no class it fits.
func (g *gen) activity(r *rand.Rand, t *portal.ActivityType, sc *portal.School, cs []portal.Class, year int, start time.Time, days int) *portal.Activity {
	a := &portal.Activity{SchoolID: sc.ID, SchoolYear: year, Type: t.Key}
	titles := activityTitles[t.Key]
	a.Title = titles[r.IntN(len(titles))]
	if a.Title == "%s" {
		a.Title = t.Name
	}
	day := r.IntN(days + 1)
	switch t.Key {
	case "graduate-oath":
		day = min(days, 280+r.IntN(15)) // June
	case "june-26":
		day = min(days, 295+r.IntN(5))
	}
	a.Date = start.AddDate(0, 0, day)
	var fits []portal.Class
	for _, c := range cs {
		if t.AppliesToClass(sc, c.Grade) {
			fits = append(fits, c)
		}
	}
	switch {
	case len(fits) == 0:
		return nil
	case t.Key == "flag-oath" || t.Key == "june-26" || r.IntN(6) == 0 && !t.GraduatingOnly:
		a.WholeSchool = true
		a.Students = sc.Enrolment * (80 + r.IntN(20)) / 100
		a.Teachers = 20 + r.IntN(60)
	default:
		k := 1 + r.IntN(min(len(fits), 4))
		for _, j := range r.Perm(len(fits))[:k] {
			a.ClassIDs = append(a.ClassIDs, fits[j].ID)
		}
		a.Students = min(sc.Enrolment, k*(40+r.IntN(10)))
		a.Teachers = k + r.IntN(3)
	}
	if t.Key == "parent-letter" || t.Key == "parent-meeting" {
		a.Parents = a.Students * (70 + r.IntN(25)) / 100
	}
	a.Speaker = activitySpeakers[r.IntN(len(activitySpeakers))]
	a.Description = t.Desc
	a.Published = r.IntN(10) < 4
	a.FaceConsent = r.IntN(10) < 7
	for p := range r.IntN(4) {
		n := r.IntN(uploads.DemoIllustrations) + p
		a.Files = append(a.Files, portal.ActivityFile{Kind: portal.FilePhoto, Name: uploads.DemoName(n, false),
			Thumb: uploads.DemoName(n, true), Original: fmt.Sprintf("illustration-%d.jpg", n%uploads.DemoIllustrations+1),
			Width: uploads.DemoWidth, Height: uploads.DemoHeight, Size: 40000})
	}
	a.CreatedAt = a.Date.Add(time.Duration(17+r.IntN(4)) * time.Hour)
	if a.CreatedAt.After(g.now) {
		a.CreatedAt = g.now
	}
	return a
}
