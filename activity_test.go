package portal

import (
	"testing"
	"time"
)

func testCatalogue() *ActivityCatalogue {
	var ten []ActivityType
	for _, k := range []string{"law-class", "class-meeting", "reflection", "newspaper", "flag-oath", "film",
		"parent-letter", "graduate-oath", "base-visit", "essay-contest"} {
		ten = append(ten, ActivityType{Key: k, Name: k, GraduatingOnly: k == "graduate-oath"})
	}
	return NewActivityCatalogue(ten, []ActivityType{{Key: "lecture", Name: "lecture"}})
}

func TestGraduateOathApplicability(t *testing.T) {
	cat := testCatalogue()
	oath, film := cat.Type("graduate-oath"), cat.Type("film")
	junior := &School{ID: 1, Stage: StageJunior, HasGraduating: true}
	young := &School{ID: 2, Stage: StagePrimary, HasGraduating: false}
	tests := []struct {
		t      *ActivityType
		sc     *School
		grade  int
		school bool
		class  bool
	}{
		{oath, junior, 9, true, true}, {oath, junior, 8, true, false}, {oath, young, 6, false, false},
		{film, young, 1, true, true}, {film, junior, 7, true, true},
		{oath, &School{Stage: StageNineYear, HasGraduating: true}, 6, true, false},
		{oath, &School{Stage: StageVocational, HasGraduating: true}, 12, true, true},
	}
	for _, tt := range tests {
		if got := tt.t.AppliesToSchool(tt.sc); got != tt.school {
			t.Errorf("%s.AppliesToSchool(%s, graduating %v) = %v, want %v", tt.t.Key, tt.sc.Stage, tt.sc.HasGraduating, got, tt.school)
		}
		if got := tt.t.AppliesToClass(tt.sc, tt.grade); got != tt.class {
			t.Errorf("%s.AppliesToClass(%s grade %d) = %v, want %v", tt.t.Key, tt.sc.Stage, tt.grade, got, tt.class)
		}
	}
}

func TestActivityValidateSchoolYearEdges(t *testing.T) {
	cat := testCatalogue()
	sc := &School{ID: 1, Stage: StageJunior, HasGraduating: true, Enrolment: 300}
	classes := []Class{{ID: 10, SchoolID: 1, SchoolYear: 2025, Grade: 8}, {ID: 11, SchoolID: 1, SchoolYear: 2025, Grade: 9}}
	now := time.Date(2026, time.September, 15, 10, 0, 0, 0, CST)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, CST) }
	tests := []struct {
		date time.Time
		want string
	}{
		{day(2025, time.September, 1), ""},
		{day(2026, time.August, 31), ""},
		{day(2025, time.August, 31), "ErrActDateOutsideYear"},
		{day(2026, time.September, 1), "ErrActDateOutsideYear"},
		{time.Time{}, "ErrDate"},
	}
	for _, tt := range tests {
		a := Activity{SchoolID: 1, SchoolYear: 2025, Type: "film", Date: tt.date, ClassIDs: []int64{10}, Students: 40}
		if got := a.Validate(cat, sc, classes, now)["date"].ID; got != tt.want {
			t.Errorf("date %s in school year 2025: %q, want %q", tt.date.Format(time.DateOnly), got, tt.want)
		}
	}
	// Not in the future: today is fine, tomorrow is not.
	cur := []Class{{ID: 20, SchoolID: 1, SchoolYear: 2026, Grade: 7}}
	for d, want := range map[int]string{15: "", 16: "ErrDateFuture"} {
		a := Activity{SchoolID: 1, SchoolYear: 2026, Type: "film", Date: day(2026, time.September, d), ClassIDs: []int64{20}}
		if got := a.Validate(cat, sc, cur, now)["date"].ID; got != want {
			t.Errorf("date 2026-09-%d with today the 15th: %q, want %q", d, got, want)
		}
	}
}

func TestActivityValidateFields(t *testing.T) {
	cat := testCatalogue()
	sc := &School{ID: 1, Stage: StageJunior, HasGraduating: true, Enrolment: 300}
	classes := []Class{{ID: 10, SchoolID: 1, SchoolYear: 2025, Grade: 8}, {ID: 11, SchoolID: 1, SchoolYear: 2025, Grade: 9}}
	now := time.Date(2026, time.March, 1, 0, 0, 0, 0, CST)
	base := func() Activity {
		return Activity{SchoolID: 1, SchoolYear: 2025, Type: "graduate-oath", Date: now, ClassIDs: []int64{11}, Students: 40}
	}
	a := base()
	if f := a.Validate(cat, sc, classes, now); len(f) != 0 || a.Title != "graduate-oath" {
		t.Errorf("valid oath: %v, title %q (want the type's name)", f, a.Title)
	}
	tests := []struct {
		name, field, want string
		change            func(*Activity)
		school            *School
	}{
		{"unknown type", "type", "ErrActUnknownType", func(a *Activity) { a.Type = "dance" }, sc},
		{"oath for grade 8", "classes", "ErrActGraduatingClass", func(a *Activity) { a.ClassIDs = []int64{10} }, sc},
		{"oath at a school without graduates", "type", "ErrActGraduatingSchool", func(a *Activity) {}, &School{ID: 1, Stage: StageJunior, Enrolment: 300}},
		{"another school's class", "classes", "ErrActClassUnknown", func(a *Activity) { a.ClassIDs = []int64{99} }, sc},
		{"no classes", "classes", "ErrActClassesRequired", func(a *Activity) { a.ClassIDs = nil }, sc},
		{"above enrolment", "students", "ErrActOverEnrolment", func(a *Activity) { a.Students = 301 }, sc},
		{"negative parents", "parents", "ErrRange", func(a *Activity) { a.Parents = -1 }, sc},
	}
	for _, tt := range tests {
		a := base()
		tt.change(&a)
		if got := a.Validate(cat, tt.school, classes, now)[tt.field].ID; got != tt.want {
			t.Errorf("%s: %s = %q, want %q", tt.name, tt.field, got, tt.want)
		}
	}
}

func TestBuildMatrixAndCompletion(t *testing.T) {
	cat := testCatalogue()
	sc := &School{ID: 1, Stage: StageJunior, HasGraduating: true}
	classes := []Class{{ID: 10, Grade: 8, SchoolYear: 2025}, {ID: 11, Grade: 9, SchoolYear: 2025}}
	recs := []Activity{
		{ID: 1, SchoolYear: 2025, Type: "film", ClassIDs: []int64{10}, Students: 40},
		{ID: 2, SchoolYear: 2025, Type: "flag-oath", WholeSchool: true, Students: 300},
		{ID: 3, SchoolYear: 2025, Type: "graduate-oath", ClassIDs: []int64{11}, Students: 45},
		{ID: 4, SchoolYear: 2025, Type: "lecture", WholeSchool: true, Students: 10},
	}
	m := BuildMatrix(cat, sc, 2025, classes, recs)
	state := func(key string, ci int) int {
		for _, r := range m.Rows {
			if r.Type.Key == key {
				return r.Cells[ci].State
			}
		}
		return -1
	}
	if state("film", 0) != CellDone || state("film", 1) != CellNotYet || state("flag-oath", 1) != CellDone ||
		state("graduate-oath", 0) != CellNotApplicable || state("graduate-oath", 1) != CellDone {
		t.Errorf("cells wrong: %+v", m.Rows)
	}
	if m.Done != 3 || m.Applicable != 10 || m.Students != 395 || m.Records != 4 || len(m.Missing()) != 7 {
		t.Errorf("matrix done %d/%d, students %d, records %d, missing %d", m.Done, m.Applicable, m.Students, m.Records, len(m.Missing()))
	}
	young := School{ID: 2, Stage: StagePrimary}
	var done []ActivityDone
	for _, t := range cat.Ten {
		if !t.GraduatingOnly {
			done = append(done, ActivityDone{SchoolID: 2, Type: t.Key, Records: 1})
		}
	}
	c := BuildCompletion(cat, []School{*sc, young}, append(done, ActivityDone{SchoolID: 1, Type: "film", Records: 2}))
	if c.SchoolsAllTen != 1 || !c.Schools[1].AllTen() || c.Schools[1].Applicable != 9 || c.Schools[0].DoneCount != 1 {
		t.Errorf("completion = %+v", c)
	}
	if oath := c.Totals[7]; oath.Applicable != 1 || oath.SchoolsDone != 0 {
		t.Errorf("graduate-oath total = %+v, want applicable 1, done 0", oath)
	}
}

// TestCompletionKeep checks that narrowing the city's rows gives the totals that building
// the completion of the kept schools alone gives.
func TestCompletionKeep(t *testing.T) {
	cat := testCatalogue()
	var schools []School
	var done []ActivityDone
	for i := int64(1); i <= 30; i++ {
		schools = append(schools, School{ID: i, Stage: []Stage{StagePrimary, StageJunior, StageSenior}[i%3], HasGraduating: i%4 != 0})
		for k, ty := range cat.Ten {
			if (int64(k)+i)%3 != 0 || i%5 == 0 {
				done = append(done, ActivityDone{SchoolID: i, Type: ty.Key, Records: 1 + k%2})
			}
		}
	}
	all := BuildCompletion(cat, schools, done)
	if all.Keep(func(*SchoolCompletion) bool { return true }) != all {
		t.Error("keeping every row should return the completion itself")
	}
	junior := all.Keep(func(r *SchoolCompletion) bool { return r.School.Stage == StageJunior })
	var js []School
	for _, s := range schools {
		if s.Stage == StageJunior {
			js = append(js, s)
		}
	}
	want := BuildCompletion(cat, js, done)
	if len(junior.Schools) != len(want.Schools) || junior.SchoolsAllTen != want.SchoolsAllTen || want.SchoolsAllTen == 0 {
		t.Fatalf("kept %d rows, %d all ten; want %d, %d", len(junior.Schools), junior.SchoolsAllTen, len(want.Schools), want.SchoolsAllTen)
	}
	for i := range want.Totals {
		if junior.Totals[i] != want.Totals[i] {
			t.Errorf("total %d = %+v, want %+v", i, junior.Totals[i], want.Totals[i])
		}
	}
}
