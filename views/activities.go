package views

import (
	"context"
	"strconv"

	"github.com/jinducity/portal"
)

// ActivityMatrixView is a school's matrix of the ten for a school year.
type ActivityMatrixView struct {
	School    *portal.School
	Year      int
	Current   int
	Years     []int
	Matrix    *portal.Matrix
	Records   []portal.Activity
	Catalogue *portal.ActivityCatalogue
	CanLog    bool   // the viewer may log records for this year
	Base      string // the page's address without the year; "" is the teacher's own
}

func (v *ActivityMatrixView) base() string {
	if v.Base == "" {
		return "/school/activities"
	}
	return v.Base
}

// ActivityFormView is the form to log or edit a record.
type ActivityFormView struct {
	Form      *Form
	School    *portal.School
	Year      int
	Classes   []portal.Class
	Checked   map[int64]bool
	Catalogue *portal.ActivityCatalogue
	Activity  *portal.Activity // nil for a new record
}

// ActivityOverviewView is every school's row of the ten for a reviewer or the city.
type ActivityOverviewView struct {
	Year, Current int
	Catalogue     *portal.ActivityCatalogue
	Filter        *Form
	Districts     []portal.District // the city's, for the admin's filter
	DistrictName  string            // the reviewer's district
	Base          string
	// Completion holds every school the filters keep (its totals count them all);
	// Rows is the page of them the table shows.
	Completion *portal.Completion
	Rows       []portal.SchoolCompletion
	Pager      Pager
}

// ActName returns an activity type's name in the viewer's language.
func ActName(ctx context.Context, t *portal.ActivityType) string {
	if t == nil {
		return ""
	}
	if GetEnv(ctx).Lang == "en" {
		return t.NameEn
	}
	return t.Name
}

// ActDesc returns what counts for an activity type, in the viewer's language.
func ActDesc(ctx context.Context, t *portal.ActivityType) string {
	if GetEnv(ctx).Lang == "en" {
		return t.DescEn
	}
	return t.Desc
}

// ActEvidence returns the evidence expected for an activity type, in the viewer's language.
func ActEvidence(ctx context.Context, t *portal.ActivityType) string {
	if GetEnv(ctx).Lang == "en" {
		return t.EvidenceEn
	}
	return t.Evidence
}

// ActivityURL returns the address of a record's page.
func ActivityURL(id int64) string { return "/activities/" + strconv.FormatInt(id, 10) }

// FileURL returns the address of an evidence file or a photo's thumbnail.
func FileURL(id int64, thumb bool) string {
	u := "/files/" + strconv.FormatInt(id, 10)
	if thumb {
		u += "/thumb"
	}
	return u
}

// newActivityURL returns the form's address with a type, a class and a year chosen.
func newActivityURL(year int, key string, classID int64) string {
	u := "/school/activities/new?year=" + strconv.Itoa(year)
	if key != "" {
		u += "&type=" + key
	}
	if classID > 0 {
		u += "&class=" + strconv.FormatInt(classID, 10)
	}
	return u
}

// classGrades groups classes by grade, in order.
type gradeClasses struct {
	Grade   int
	Classes []portal.Class
}

func byGrade(classes []portal.Class) []gradeClasses {
	var out []gradeClasses
	for _, c := range classes {
		if len(out) == 0 || out[len(out)-1].Grade != c.Grade {
			out = append(out, gradeClasses{Grade: c.Grade})
		}
		out[len(out)-1].Classes = append(out[len(out)-1].Classes, c)
	}
	return out
}

// typeOptions lists the ten, then the other kinds, for the form's type select.
func typeOptions(ctx context.Context, cat *portal.ActivityCatalogue) (ten, other []Option) {
	for i := range cat.Ten {
		ten = append(ten, Option{cat.Ten[i].Key, strconv.Itoa(i+1) + ". " + ActName(ctx, &cat.Ten[i])})
	}
	for i := range cat.Other {
		other = append(other, Option{cat.Other[i].Key, ActName(ctx, &cat.Other[i])})
	}
	return ten, other
}

func fraction(n, d int) string { return strconv.Itoa(n) + "/" + strconv.Itoa(d) }

// activityYearOptions lists school years for the switcher.
func activityYearOptions(ctx context.Context, years []int) []Option { return yearOptions(ctx, years) }

func overviewYears(current int) []int { return []int{current, current - 1} }

func idKey(id int64) string { return strconv.FormatInt(id, 10) }
