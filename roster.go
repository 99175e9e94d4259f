package portal

import (
	"strconv"
	"strings"
	"unicode"
)

// MaxRosterRows is the most student rows one roster file may hold: more than the largest
// school has, and few enough to preview on one page.
const MaxRosterRows = 6000

// RosterRow is one student row of a roster file a school imports: grade, class, name
// and student number as written, and what the import found for it.
type RosterRow struct {
	Line   int    // the row's number in the file, as the spreadsheet shows it
	Grade  string // 七年级, 初一, 7…
	Class  string
	Name   string
	Number string
	Year   string // the optional 学年 column; empty when the file has none

	// Filled by Check and by the store's plan.
	GradeN   int
	Problems []Message
	Status   string // RosterNew, RosterExists or RosterError
	NewClass bool   // the class does not exist yet and will be created
}

// The outcomes of a roster row.
const (
	RosterNew    = "new"    // the student will be added
	RosterExists = "exists" // the class already has this student under this number: nothing to do
	RosterError  = "error"  // a problem stops the row
)

// Problem records a problem of the row.
func (r *RosterRow) Problem(m Message) {
	r.Problems = append(r.Problems, m)
	r.Status = RosterError
}

// Check normalises the row (spaces, leading zeros of the number, as a join does) and
// records the problems it has on its own: a missing field, a grade the school does not
// teach, a class of another school year, a name or number a student could not join with.
func (r *RosterRow) Check(stage Stage, schoolYear int) {
	r.Problems, r.Status = nil, ""
	r.Grade = strings.TrimSpace(r.Grade)
	r.Class = strings.Join(strings.FieldsFunc(r.Class, unicode.IsSpace), "")
	j := StudentJoin{Code: "AAAAAA", Name: r.Name, Number: r.Number}
	jf := j.Validate()
	r.Name, r.Number = j.Name, j.Number
	if r.Grade == "" {
		r.Problem(Msg("ImportErrNoGrade"))
	} else if g, ok := ParseGrade(r.Grade); !ok {
		r.Problem(Msg("ImportErrGrade", "Grade", r.Grade))
	} else if first, last, _ := stage.Grades(); g < first || g > last {
		r.Problem(Msg("ErrGradeStage", "Min", first, "Max", last))
	} else {
		r.GradeN = g
	}
	if r.Class == "" {
		r.Problem(Msg("ImportErrNoClass"))
	} else if m := ValidateText(r.Class, 1, 20); m.ID != "" {
		r.Problem(m)
	}
	if strings.TrimSpace(r.Name) == "" {
		r.Problem(Msg("ImportErrNoName"))
	} else if m, ok := jf["name"]; ok {
		r.Problem(m)
	} else if strings.ContainsRune("=+-@", rune(r.Name[0])) {
		r.Problem(Msg("ImportErrFormula")) // a spreadsheet formula, not a name
	}
	if strings.TrimSpace(r.Number) == "" {
		r.Problem(Msg("ImportErrNoNumber"))
	} else if m, ok := jf["number"]; ok {
		r.Problem(m)
	}
	if y := strings.TrimSpace(r.Year); y != "" {
		if n, ok := ParseSchoolYear(y); !ok || n != schoolYear {
			r.Problem(Msg("ImportErrYear", "Year", y, "Want", schoolYear))
		}
	}
}

// gradeNames are the ways a grade is written in a Chinese school's lists.
var gradeNames = map[string]int{
	"一年级": 1, "二年级": 2, "三年级": 3, "四年级": 4, "五年级": 5, "六年级": 6,
	"七年级": 7, "八年级": 8, "九年级": 9, "初一": 7, "初二": 8, "初三": 9,
	"高一": 10, "高二": 11, "高三": 12, "十年级": 10, "十一年级": 11, "十二年级": 12,
	"初一年级": 7, "初二年级": 8, "初三年级": 9, "高一年级": 10, "高二年级": 11, "高三年级": 12,
}

// ParseGrade reads a grade written as a number (7), with 年级 (7年级, 七年级) or by its
// school name (初一, 高二).
func ParseGrade(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if g, ok := gradeNames[s]; ok {
		return g, true
	}
	if g, err := strconv.Atoi(strings.TrimSuffix(s, "年级")); err == nil && g >= 1 && g <= 12 {
		return g, true
	}
	return 0, false
}

// ParseSchoolYear reads a school year written as 2026, 2026-2027, 2026—2027 学年 or
// 2026学年: the first four digits.
func ParseSchoolYear(s string) (int, bool) {
	digits := 0
	for i, r := range s {
		if r >= '0' && r <= '9' {
			digits++
			if digits == 4 {
				y, err := strconv.Atoi(s[i-3 : i+1])
				return y, err == nil && y >= 2000 && y <= 2100
			}
			continue
		}
		digits = 0
	}
	return 0, false
}

// RosterPlan is what importing a roster does (or did): every row with its outcome, and
// the counts.
type RosterPlan struct {
	Rows                           []RosterRow
	New, Existing, Errors, Classes int // Classes: classes created
}

// Count fills the plan's counts from its rows.
func (p *RosterPlan) Count() {
	p.New, p.Existing, p.Errors, p.Classes = 0, 0, 0, 0
	classes := map[string]bool{}
	for _, r := range p.Rows {
		switch r.Status {
		case RosterNew:
			p.New++
		case RosterExists:
			p.Existing++
		default:
			p.Errors++
		}
		if r.NewClass && r.Status != RosterError {
			classes[r.Class] = true
		}
	}
	p.Classes = len(classes)
}
