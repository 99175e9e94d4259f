package handlers

import (
	"net/http"
	"strconv"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// districtDashboard is a district reviewer's dashboard of their own district (from the
// account, never the request).
func (s *Server) districtDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	t := func(id string, kv ...any) string { return views.T(ctx, id, kv...) }
	yn := views.SchoolYearName(ctx, year)
	d, err := s.store.GetDistrict(ctx, who(r).User.DistrictID)
	if err != nil {
		return err
	}
	c, err := s.completion(r, year, d.ID)
	if err != nil {
		return err
	}
	last, err := s.completion(r, year-1, d.ID)
	if err != nil {
		return err
	}
	schools, err := s.store.DistrictSchools(ctx, d.ID, year)
	if err != nil {
		return err
	}
	bySchool, err := s.store.SchoolAwareness(ctx, year)
	if err != nil {
		return err
	}
	reg := views.Chart{ID: "registration", Title: t("DashRegistrationSchoolsTitle", "Year", yn), Kind: "hbar", Percent: true,
		CategoryHead: t("PubColSchool"), Series: []views.ChartSeries{{Name: t("ExportRegistrationRate")}, {Name: t("ExportAwarenessVerified")}},
		ExtraHeads: []string{t("AdminEnrolment"), t("ExportRegistered"), t("DashColTestedVerified")}, Note: t("DashAwarenessNote")}
	var groups []portal.Awareness
	var sum portal.Awareness
	enrolled, joined := 0, 0
	levels := map[portal.DemoLevel]int{}
	for _, sc := range schools {
		a := bySchool[sc.ID]
		groups = append(groups, a)
		sum.VerifiedStudents += a.VerifiedStudents
		sum.VerifiedAware += a.VerifiedAware
		enrolled += sc.Enrolment
		joined += sc.StudentsJoined
		if sc.Demonstration != nil {
			levels[sc.Demonstration.Level]++
		}
		reg.Categories = append(reg.Categories, sc.Name)
		reg.Series[0].Values = append(reg.Series[0].Values, rate(sc.StudentsJoined, sc.Enrolment))
		reg.Extra = append(reg.Extra, []string{strconv.Itoa(sc.Enrolment), strconv.Itoa(sc.StudentsJoined)})
	}
	verified, tested := awarenessValues(groups)
	reg.Series[1].Values = verified
	for i := range reg.Extra {
		reg.Extra[i] = append(reg.Extra[i], tested[i])
	}
	scope := store.DashScope{DistrictID: d.ID}
	months, err := s.activityMonths(r, year, scope)
	if err != nil {
		return err
	}
	lastMonths, err := s.activityMonths(r, year-1, scope)
	if err != nil {
		return err
	}
	buckets, err := s.scoreBuckets(r, year, scope)
	if err != nil {
		return err
	}
	v := views.DashboardView{Title: t("DashDistrictTitle", "District", d.Name), Scope: d.Name, Year: year, Years: s.dashYears(),
		Base: "/district/dashboard",
		Figures: []views.DashFigure{
			dashFig("dash-schools", strconv.Itoa(len(schools)), t("FigSchools"), ""),
			dashFig("dash-registration", views.Percent(joined, enrolled), t("ExportRegistrationRate"), ""),
			dashFig("dash-all-ten", strconv.Itoa(c.SchoolsAllTen), t("ActFigAllTen"), ""),
			dashFig("dash-awareness", views.Percent(sum.VerifiedAware, sum.VerifiedStudents), t("ExportAwarenessVerified"), ""),
		},
		Charts: []views.Chart{
			tenChart(ctx, "ten", t("DashTenTitle", "Year", yn, "Scope", d.Name), year, c, last),
			reg,
			monthsChart(ctx, "activity-months", t("DashMonthsTitle", "Year", yn, "Scope", d.Name), year, intMap(months), intMap(lastMonths)),
			scoreChart(ctx, "scores", t("DashScoresTitle", "Year", yn, "Scope", d.Name), buckets),
			demoChart(ctx, yn, levels),
		}}
	return s.page(w, r, views.Dashboard(v))
}

// schoolDashboard is a school administrator's dashboard of their school.
func (s *Server) schoolDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	year, err := s.yearParam(r)
	if err != nil {
		return err
	}
	t := func(id string, kv ...any) string { return views.T(ctx, id, kv...) }
	yn := views.SchoolYearName(ctx, year)
	sc, err := s.teacherSchool(r, year)
	if err != nil {
		return err
	}
	mv, err := s.matrixView(r, sc, year)
	if err != nil {
		return err
	}
	lastRecords, err := s.store.ListActivities(ctx, sc.ID, year-1)
	if err != nil {
		return err
	}
	lastCount := map[string]int{}
	for _, a := range lastRecords {
		lastCount[a.Type]++
	}
	ten := views.Chart{ID: "ten", Title: t("DashSchoolTenTitle", "Year", yn), Kind: "hbar", CategoryHead: t("ExportActivity"),
		Series: []views.ChartSeries{{Name: views.SchoolYearName(ctx, year)}, {Name: views.SchoolYearName(ctx, year-1)}}}
	for _, row := range mv.Matrix.Rows {
		ten.Categories = append(ten.Categories, views.ActName(ctx, row.Type))
		ten.Series[0].Values = append(ten.Series[0].Values, float64(len(row.Records)))
		ten.Series[1].Values = append(ten.Series[1].Values, float64(lastCount[row.Type.Key]))
	}
	scope := store.DashScope{SchoolID: sc.ID}
	months, err := s.activityMonths(r, year, scope)
	if err != nil {
		return err
	}
	lastMonths, err := s.activityMonths(r, year-1, scope)
	if err != nil {
		return err
	}
	buckets, err := s.scoreBuckets(r, year, scope)
	if err != nil {
		return err
	}
	classes, err := s.store.ListClasses(ctx, sc.ID, year, true)
	if err != nil {
		return err
	}
	byClass, err := s.store.ClassAwareness(ctx, sc.ID, year)
	if err != nil {
		return err
	}
	aware := views.Chart{ID: "classes", Title: t("DashClassesTitle", "Year", yn), Kind: "hbar", Percent: true,
		CategoryHead: t("ImportColClass"), Series: []views.ChartSeries{{Name: t("ExportAwarenessVerified")}},
		ExtraHeads: []string{t("ExportRegistered"), t("DashColTestedVerified")}, Note: t("DashAwarenessNote")}
	gains := views.Chart{ID: "gains", Title: t("DashGainsTitle", "Year", yn), Kind: "hbar", Percent: true,
		CategoryHead: t("ImportColClass"), Series: []views.ChartSeries{{Name: t("DashPre")}, {Name: t("DashPost")}},
		ExtraHeads: []string{t("DashColPaired")}, Note: t("DashGainsNote")}
	var groups []portal.Awareness
	var sum portal.Awareness
	for _, c := range classes {
		a := byClass[c.ID]
		groups = append(groups, a)
		sum.VerifiedStudents += a.VerifiedStudents
		sum.VerifiedAware += a.VerifiedAware
		aware.Categories = append(aware.Categories, c.Name)
		aware.Extra = append(aware.Extra, []string{strconv.Itoa(c.Students)})
		gs, err := s.store.ClassGains(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if g.Students < portal.MinGroup {
				continue
			}
			gains.Categories = append(gains.Categories, c.Name+" · "+g.PostTitle)
			gains.Series[0].Values = append(gains.Series[0].Values, g.Pre/100)
			gains.Series[1].Values = append(gains.Series[1].Values, g.Post/100)
			gains.Extra = append(gains.Extra, []string{strconv.Itoa(g.Students)})
		}
	}
	verified, tested := awarenessValues(groups)
	aware.Series[0].Values = verified
	for i := range aware.Extra {
		aware.Extra[i] = append(aware.Extra[i], tested[i])
	}
	schoolAware := "—"
	if sum.VerifiedStudents >= portal.MinGroup {
		schoolAware = views.Percent(sum.VerifiedAware, sum.VerifiedStudents)
	}
	v := views.DashboardView{Title: t("DashSchoolTitle"), Scope: sc.Name, Year: year, Years: s.dashYears(), Base: "/school/dashboard",
		Figures: []views.DashFigure{
			dashFig("dash-ten", strconv.Itoa(mv.Matrix.Done)+"/"+strconv.Itoa(mv.Matrix.Applicable), t("ActFigDone"), ""),
			dashFig("dash-records", strconv.Itoa(mv.Matrix.Records), t("ActFigRecords"), ""),
			dashFig("dash-registration", views.Percent(sc.StudentsJoined, sc.Enrolment), t("ExportRegistrationRate"), ""),
			dashFig("dash-awareness", schoolAware, t("ExportAwarenessVerified"), ""),
		},
		Charts: []views.Chart{ten,
			monthsChart(ctx, "activity-months", t("DashMonthsTitle", "Year", yn, "Scope", sc.Name), year, intMap(months), intMap(lastMonths)),
			aware, scoreChart(ctx, "scores", t("DashScoresTitle", "Year", yn, "Scope", sc.Name), buckets), gains,
		}}
	return s.page(w, r, views.Dashboard(v))
}
