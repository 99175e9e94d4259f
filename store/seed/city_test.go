package seed_test

import (
	"context"
	"testing"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

var smallCity = seed.CitySize{Districts: 3, Schools: 30, Classes: 120, Students: 4810, Associations: 6, Volunteers: 50}

func TestCityCounts(t *testing.T) {
	st := mustStore(t)
	ctx := context.Background()
	if err := seed.City(ctx, st, testNow, smallCity, 7, nil); err != nil {
		t.Fatal(err)
	}
	f, err := st.CityFigures(ctx, portal.SchoolYear(testNow))
	if err != nil {
		t.Fatal(err)
	}
	if f.Districts != 3 || f.Schools != 30 || f.StudentsRegistered != 4810 || f.Associations != 6 || f.Volunteers != 50 {
		t.Errorf("CityFigures = %+v, want 3 districts, 30 schools, 4810 students, 6 associations, 50 volunteers", f)
	}
	classes := 0
	schools, _, _ := st.ListSchools(ctx, store.SchoolFilter{})
	for _, sc := range schools {
		cs, err := st.ListClasses(ctx, sc.ID, portal.SchoolYear(testNow), false)
		if err != nil {
			t.Fatal(err)
		}
		first, last, _ := sc.Stage.Grades()
		for _, c := range cs {
			if c.Grade < first || c.Grade > last {
				t.Errorf("%s: class %s in grade %d", sc.Name, c.Name, c.Grade)
			}
		}
		classes += len(cs)
	}
	if classes != 120 {
		t.Errorf("classes = %d, want 120", classes)
	}
	for _, u := range []string{"admin", "teacher", "coordinator", "district01", "vol00050"} {
		if user, _, err := st.UserCredentials(ctx, u); err != nil || !user.Demo {
			t.Errorf("account %s: %v (demo %v)", u, err, user != nil && user.Demo)
		}
	}
}

func TestCityIsDeterministic(t *testing.T) {
	ctx := context.Background()
	snapshot := func(seedN uint64) []string {
		st := mustStore(t)
		if err := seed.City(ctx, st, testNow, smallCity, seedN, nil); err != nil {
			t.Fatal(err)
		}
		var out []string
		schools, _, _ := st.ListSchools(ctx, store.SchoolFilter{})
		for _, sc := range schools[:5] {
			cs, _ := st.ListClasses(ctx, sc.ID, portal.SchoolYear(testNow), false)
			students, _ := st.ListStudents(ctx, cs[0].ID)
			out = append(out, sc.Name, string(sc.Stage), cs[0].JoinCode, students[0].Name)
		}
		return out
	}
	a, b, c := snapshot(7), snapshot(7), snapshot(8)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 7 twice differs at %d: %q vs %q", i, a[i], b[i])
		}
	}
	same := true
	for i := range a {
		same = same && a[i] == c[i]
	}
	if same {
		t.Error("seeds 7 and 8 gave the same data")
	}
}
