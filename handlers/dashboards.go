package handlers

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// Dashboards: the city's (/admin/dashboard, and its wall-screen view), a district's
// (/district/dashboard) and a school's (/school/dashboard), for a school year. Every
// figure comes from the computations the pages and /api/v1/stats already use (the
// completion of the ten, the maintained awareness rows, the city figures), so a chart's
// number is the stats' number; groups under portal.MinGroup students are withheld as on
// the awareness pages.

// dashYears are the school years a dashboard offers: this one and the four before.
func (s *Server) dashYears() []int {
	cur := portal.SchoolYear(s.now())
	return []int{cur, cur - 1, cur - 2, cur - 3, cur - 4}
}

// nan marks a withheld value: the table shows a dash and the chart leaves it out.
var nan = math.NaN()

// monthCategories are a school year's months, September first, as the charts label them.
func monthCategories(ctx context.Context, year int) (keys, labels []string) {
	for i := range 12 {
		m := (8+i)%12 + 1
		y := year
		if m < 9 {
			y++
		}
		keys = append(keys, fmt.Sprintf("%04d-%02d", y, m))
		labels = append(labels, views.T(ctx, "DashMonth", "Year", y, "Month", m))
	}
	return keys, labels
}

// monthsChart is a line of a count by month of the school year against the year before.
// Months still to come show no value rather than a zero.
func monthsChart(ctx context.Context, id, title string, year int, this, last map[string]float64) views.Chart {
	keys, labels := monthCategories(ctx, year)
	prev, _ := monthCategories(ctx, year-1)
	c := views.Chart{ID: id, Title: title, Kind: "line", CategoryHead: views.T(ctx, "DashColMonth"), Categories: labels,
		Series: []views.ChartSeries{{Name: views.SchoolYearName(ctx, year)}, {Name: views.SchoolYearName(ctx, year-1)}}}
	now := views.GetEnv(ctx).Now.In(portal.CST).Format("2006-01")
	for i := range keys {
		v := this[keys[i]]
		if keys[i] > now {
			v = nan
		}
		c.Series[0].Values = append(c.Series[0].Values, v)
		c.Series[1].Values = append(c.Series[1].Values, last[prev[i]])
	}
	return c
}

func intMap(m map[string]int) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}

// tenChart is the coverage of each of the ten (schools done ÷ schools it applies to) in a
// completion, against the year before's.
func tenChart(ctx context.Context, id, title string, year int, c, last *portal.Completion) views.Chart {
	ch := views.Chart{ID: id, Title: title, Kind: "hbar", Percent: true, CategoryHead: views.T(ctx, "ExportActivity"),
		Series:     []views.ChartSeries{{Name: views.SchoolYearName(ctx, year)}, {Name: views.SchoolYearName(ctx, year-1)}},
		ExtraHeads: []string{views.T(ctx, "DashColSchoolsDone"), views.T(ctx, "DashColApplicable")}}
	for i, t := range c.Totals {
		ch.Categories = append(ch.Categories, views.ActName(ctx, t.Type))
		ch.Series[0].Values = append(ch.Series[0].Values, rate(t.SchoolsDone, t.Applicable))
		prev := 0.0
		if last != nil && i < len(last.Totals) {
			prev = rate(last.Totals[i].SchoolsDone, last.Totals[i].Applicable)
		}
		ch.Series[1].Values = append(ch.Series[1].Values, prev)
		ch.Extra = append(ch.Extra, []string{strconv.Itoa(t.SchoolsDone), strconv.Itoa(t.Applicable)})
	}
	return ch
}

// scoreChart is the distribution of knowledge-test scores.
func scoreChart(ctx context.Context, id, title string, b [5]int) views.Chart {
	c := views.Chart{ID: id, Title: title, Kind: "bar", CategoryHead: views.T(ctx, "DashColScore"),
		Note:       views.T(ctx, "DashScoreNote"),
		Categories: []string{"<60%", "60–69%", "70–79%", "80–89%", "90–100%"},
		Series:     []views.ChartSeries{{Name: views.T(ctx, "DashColAttempts")}}}
	for _, n := range b {
		c.Series[0].Values = append(c.Series[0].Values, float64(n))
	}
	return c
}

// awarenessSeries adds the awareness rates of groups to a chart (withheld where the
// awareness pages withhold them) with the counts behind them.
func awarenessValues(groups []portal.Awareness) (verified []float64, tested []string) {
	_, hideV := portal.SuppressGroups(groups)
	for i, a := range groups {
		if hideV[i] || a.VerifiedStudents == 0 {
			verified = append(verified, nan)
			tested = append(tested, "—")
			continue
		}
		verified = append(verified, rate(a.VerifiedAware, a.VerifiedStudents))
		tested = append(tested, strconv.Itoa(a.VerifiedStudents))
	}
	return verified, tested
}

// cityDashboard is the city office's dashboard.
func (s *Server) cityDashboard(wall bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		year, err := s.yearParam(r)
		if err != nil {
			return err
		}
		t := func(id string, kv ...any) string { return views.T(ctx, id, kv...) }
		yn := views.SchoolYearName(ctx, year)
		fig, err := s.store.CityFigures(ctx, year)
		if err != nil {
			return err
		}
		c, err := s.completion(r, year, 0)
		if err != nil {
			return err
		}
		last, err := s.completion(r, year-1, 0)
		if err != nil {
			return err
		}
		aw, err := s.store.CityAwareness(ctx, year)
		if err != nil {
			return err
		}
		volRows, volMonths, err := s.volunteerReport(r, year)
		if err != nil {
			return err
		}
		hours := 0.0
		for _, m := range volMonths {
			hours += m.Hours
		}
		demos := fig.Demonstrations[portal.LevelNational] + fig.Demonstrations[portal.LevelProvincial] + fig.Demonstrations[portal.LevelCity]
		v := views.DashboardView{Title: t("DashCityTitle"), Year: year, Years: s.dashYears(), Base: "/admin/dashboard", Wall: wall,
			Figures: []views.DashFigure{
				dashFig("dash-schools", strconv.Itoa(fig.Schools), t("FigSchools"), ""),
				dashFig("dash-registration", views.Percent(fig.StudentsRegistered, fig.StudentsEnrolled), t("ExportRegistrationRate"),
					t("PubFigEnrolled", "N", fig.StudentsEnrolled, "Rate", views.Percent(fig.StudentsRegistered, fig.StudentsEnrolled))),
				dashFig("dash-all-ten", strconv.Itoa(c.SchoolsAllTen), t("ActFigAllTen"), ""),
				dashFig("dash-awareness", views.Percent(aw.VerifiedAware, aw.VerifiedStudents), t("ExportAwarenessVerified"), ""),
				dashFig("dash-hours", views.Hours(hours), t("VolFigHours"), ""),
				dashFig("dash-demos", strconv.Itoa(demos), t("DashDemos"), ""),
			}}
		if wall {
			v.Base = "/admin/dashboard/wall"
		}
		v.Charts = append(v.Charts, tenChart(ctx, "ten", t("DashTenTitle", "Year", yn, "Scope", t("DashCity")), year, c, last))

		// The ten by district: of all the schools' applicable activities, the share done.
		ds, err := s.store.ListDistricts(ctx)
		if err != nil {
			return err
		}
		byDistrict := views.Chart{ID: "ten-districts", Title: t("DashTenDistrictsTitle", "Year", yn), Kind: "bar", Percent: true,
			CategoryHead: t("QuizColDistrict"), Series: []views.ChartSeries{{Name: t("DashTenShare")}, {Name: t("DashAllTenShare")}},
			ExtraHeads: []string{t("FigSchools"), t("ActFigAllTen")}, Note: t("DashTenDistrictsNote")}
		reg := views.Chart{ID: "registration", Title: t("DashRegistrationTitle", "Year", yn), Kind: "bar", Percent: true,
			CategoryHead: t("QuizColDistrict"), Series: []views.ChartSeries{{Name: t("ExportRegistrationRate")}, {Name: t("ExportAwarenessVerified")}},
			ExtraHeads: []string{t("AdminEnrolment"), t("ExportRegistered"), t("DashColTestedVerified")}, Note: t("DashAwarenessNote")}
		bySchool, err := s.store.SchoolAwareness(ctx, year)
		if err != nil {
			return err
		}
		var groups []portal.Awareness
		for _, d := range ds {
			done, applicable, all, n := 0, 0, 0, 0
			for _, row := range c.Schools {
				if row.School.DistrictID != d.ID {
					continue
				}
				n++
				done += row.DoneCount
				applicable += row.Applicable
				if row.AllTen() {
					all++
				}
			}
			byDistrict.Categories = append(byDistrict.Categories, d.Name)
			byDistrict.Series[0].Values = append(byDistrict.Series[0].Values, rate(done, applicable))
			byDistrict.Series[1].Values = append(byDistrict.Series[1].Values, rate(all, n))
			byDistrict.Extra = append(byDistrict.Extra, []string{strconv.Itoa(n), strconv.Itoa(all)})

			schools, err := s.districtSchools(r, d.ID, year)
			if err != nil {
				return err
			}
			var sum portal.Awareness
			enrolled, joined := 0, 0
			for _, sc := range schools {
				a := bySchool[sc.ID]
				sum.Students += a.Students
				sum.Aware += a.Aware
				sum.VerifiedStudents += a.VerifiedStudents
				sum.VerifiedAware += a.VerifiedAware
				enrolled += sc.Enrolment
				joined += sc.StudentsJoined
			}
			groups = append(groups, sum)
			reg.Categories = append(reg.Categories, d.Name)
			reg.Series[0].Values = append(reg.Series[0].Values, rate(joined, enrolled))
			reg.Extra = append(reg.Extra, []string{strconv.Itoa(enrolled), strconv.Itoa(joined)})
		}
		verified, tested := awarenessValues(groups)
		reg.Series[1].Values = verified
		for i := range reg.Extra {
			reg.Extra[i] = append(reg.Extra[i], tested[i])
		}
		v.Charts = append(v.Charts, byDistrict, reg)

		months, err := s.activityMonths(r, year, store.DashScope{})
		if err != nil {
			return err
		}
		lastMonths, err := s.activityMonths(r, year-1, store.DashScope{})
		if err != nil {
			return err
		}
		v.Charts = append(v.Charts, monthsChart(ctx, "activity-months", t("DashMonthsTitle", "Year", yn, "Scope", t("DashCity")),
			year, intMap(months), intMap(lastMonths)))
		buckets, err := s.scoreBuckets(r, year, store.DashScope{})
		if err != nil {
			return err
		}
		v.Charts = append(v.Charts, scoreChart(ctx, "scores", t("DashScoresTitle", "Year", yn, "Scope", t("DashCity")), buckets))

		// Volunteer hours by month (against the year before) and by association.
		_, lastVol, err := s.volunteerReport(r, year-1)
		if err != nil {
			return err
		}
		hm, lhm := map[string]float64{}, map[string]float64{}
		for _, m := range volMonths {
			hm[m.Month] = m.Hours
		}
		for _, m := range lastVol {
			lhm[m.Month] = m.Hours
		}
		v.Charts = append(v.Charts, monthsChart(ctx, "hours-months", t("DashHoursMonthsTitle", "Year", yn), year, hm, lhm))
		rows := slices.Clone(volRows)
		slices.SortStableFunc(rows, func(a, b portal.CityVolunteerRow) int {
			switch {
			case a.Hours > b.Hours:
				return -1
			case a.Hours < b.Hours:
				return 1
			}
			return 0
		})
		top := min(len(rows), 15)
		assoc := views.Chart{ID: "hours-associations", Title: t("DashHoursAssocTitle", "Year", yn, "N", top), Kind: "hbar",
			CategoryHead: t("VolAssocLabel"), Series: []views.ChartSeries{{Name: t("VolHoursCol")}},
			ExtraHeads: []string{t("VolFigMembers")}}
		for _, a := range rows[:top] {
			assoc.Categories = append(assoc.Categories, a.Name)
			assoc.Series[0].Values = append(assoc.Series[0].Values, a.Hours)
			assoc.Extra = append(assoc.Extra, []string{strconv.Itoa(a.Members)})
		}
		v.Charts = append(v.Charts, assoc, demoChart(ctx, yn, fig.Demonstrations))
		return s.page(w, r, views.Dashboard(v))
	}
}

// demoChart is the active demonstration schools by level.
func demoChart(ctx context.Context, yn string, byLevel map[portal.DemoLevel]int) views.Chart {
	c := views.Chart{ID: "demonstrations", Title: views.T(ctx, "DashDemosTitle", "Year", yn), Kind: "pie",
		CategoryHead: views.T(ctx, "DashColLevel"), Series: []views.ChartSeries{{Name: views.T(ctx, "FigSchools")}}}
	for _, l := range []portal.DemoLevel{portal.LevelNational, portal.LevelProvincial, portal.LevelCity} {
		c.Categories = append(c.Categories, views.LevelName(ctx, l))
		c.Series[0].Values = append(c.Series[0].Values, float64(byLevel[l]))
	}
	return c
}

// dashFig is one headline number of a dashboard.
func dashFig(key, value, label, note string) views.DashFigure {
	return views.DashFigure{Key: key, Value: value, Label: label, Note: note}
}
