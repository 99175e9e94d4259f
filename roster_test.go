package portal

import "testing"

func TestParseGrade(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"7", 7, true}, {"七年级", 7, true}, {"初一", 7, true}, {"7年级", 7, true}, {" 高三 ", 12, true},
		{"一年级", 1, true}, {"13", 0, false}, {"0", 0, false}, {"初四", 0, false}, {"", 0, false}, {"年级", 0, false},
	} {
		if got, ok := ParseGrade(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseGrade(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseSchoolYear(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"2026", 2026, true}, {"2026-2027", 2026, true}, {"2026—2027 学年", 2026, true}, {"学年2025", 2025, true},
		{"26", 0, false}, {"1999", 1999, false}, {"", 0, false},
	} {
		if got, ok := ParseSchoolYear(tt.in); ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseSchoolYear(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRosterRowCheck(t *testing.T) {
	for _, tt := range []struct {
		row     RosterRow
		problem string // the first problem's message ID, "" for none
		number  string
	}{
		{RosterRow{Grade: "初一", Class: "七年级（1）班", Name: "王 小明", Number: "007"}, "", "7"},
		{RosterRow{Grade: "初一", Class: "七年级（1）班", Name: "王小明", Number: "7", Year: "2026—2027 学年"}, "", "7"},
		{RosterRow{Grade: "初一", Class: "1班", Name: "王小明", Number: "7", Year: "2025"}, "ImportErrYear", "7"},
		{RosterRow{Grade: "三年级", Class: "1班", Name: "王小明", Number: "7"}, "ErrGradeStage", "7"},
		{RosterRow{Grade: "初一", Class: "", Name: "王小明", Number: "7"}, "ImportErrNoClass", "7"},
		{RosterRow{Grade: "初一", Class: "1班", Name: "", Number: "7"}, "ImportErrNoName", "7"},
		{RosterRow{Grade: "初一", Class: "1班", Name: "王小明", Number: ""}, "ImportErrNoNumber", ""},
		{RosterRow{Grade: "初一", Class: "1班", Name: "王小明", Number: "A7"}, "ErrStudentNumber", "A7"},
		{RosterRow{Grade: "初一", Class: "1班", Name: "@SUM(A1)", Number: "7"}, "ImportErrFormula", "7"},
		{RosterRow{Grade: "", Class: "1班", Name: "王小明", Number: "7"}, "ImportErrNoGrade", "7"},
	} {
		r := tt.row
		r.Check(StageJunior, 2026)
		got := ""
		if len(r.Problems) > 0 {
			got = r.Problems[0].ID
		}
		if got != tt.problem || r.Number != tt.number || (got != "") != (r.Status == RosterError) {
			t.Errorf("Check(%+v): problem %q, number %q, status %q; want %q, %q", tt.row, got, r.Number, r.Status, tt.problem, tt.number)
		}
	}
}
