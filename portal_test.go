package portal

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSchoolYearEdges(t *testing.T) {
	tests := []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, time.August, 31, 23, 59, 59, 0, CST), 2025},
		{time.Date(2026, time.September, 1, 0, 0, 0, 0, CST), 2026},
		// 1 September 00:30 in Beijing is still 31 August in UTC: the city's calendar counts.
		{time.Date(2026, time.August, 31, 16, 30, 0, 0, time.UTC), 2026},
		{time.Date(2027, time.January, 15, 12, 0, 0, 0, CST), 2026},
	}
	for _, tt := range tests {
		if got := SchoolYear(tt.at); got != tt.want {
			t.Errorf("SchoolYear(%v) = %d, want %d", tt.at, got, tt.want)
		}
	}
	start, end := SchoolYearBounds(2025)
	if SchoolYear(start) != 2025 || SchoolYear(end.Add(-time.Nanosecond)) != 2025 || SchoolYear(end) != 2026 {
		t.Errorf("SchoolYearBounds(2025) = %v, %v: edges fall in the wrong years", start, end)
	}
}

func TestStageGrades(t *testing.T) {
	tests := []struct {
		stage       Stage
		first, last int
		ok          bool
	}{
		{StagePrimary, 1, 6, true}, {StageJunior, 7, 9, true}, {StageSenior, 10, 12, true},
		{StageNineYear, 1, 9, true}, {StageVocational, 10, 12, true}, {"college", 0, 0, false},
	}
	for _, tt := range tests {
		first, last, ok := tt.stage.Grades()
		if first != tt.first || last != tt.last || ok != tt.ok {
			t.Errorf("%s.Grades() = %d, %d, %v, want %d, %d, %v", tt.stage, first, last, ok, tt.first, tt.last, tt.ok)
		}
	}
}

func TestClassValidateGradeFitsStage(t *testing.T) {
	c := Class{Name: "初一（1）班", Grade: 7}
	if f := c.Validate(StageJunior); len(f) != 0 {
		t.Errorf("grade 7 in a junior school: %v", f)
	}
	c.Grade = 5
	if f := c.Validate(StageJunior); f["grade"].ID != "ErrGradeStage" {
		t.Errorf("grade 5 in a junior school: %v, want ErrGradeStage", f)
	}
}

func TestSchoolValidate(t *testing.T) {
	s := School{Name: "  第一中学 ", DistrictID: 1, Stage: StageJunior, Enrolment: -1, ContactPhone: "abc"}
	f := s.Validate()
	if s.Name != "第一中学" {
		t.Errorf("name not trimmed: %q", s.Name)
	}
	if f["enrolment"].ID != "ErrRange" || f["contact_phone"].ID != "ErrPhone" || len(f) != 2 {
		t.Errorf("Validate() = %v, want enrolment ErrRange and contact_phone ErrPhone only", f)
	}
}

func TestValidatePhone(t *testing.T) {
	for p, ok := range map[string]bool{"13800138000": true, "0851-86812345": true, "12": false, "-123456789": false, "1380013800a": false, "": true} {
		if got := ValidatePhone(p, false).ID == ""; got != ok {
			t.Errorf("ValidatePhone(%q) ok = %v, want %v", p, got, ok)
		}
	}
	if ValidatePhone("", true).ID != "ErrRequired" {
		t.Error("required empty phone accepted")
	}
}

func TestStudentJoinNormalizes(t *testing.T) {
	j := StudentJoin{Code: " demo-01 ", Name: "  李　小明 ", Number: "07", PIN: " 2580 "}
	if f := j.Validate(); len(f) != 0 {
		t.Fatalf("Validate() = %v", f)
	}
	if j.Code != "DEMO01" || j.Name != "李 小明" || j.Number != "7" || j.PIN != "2580" {
		t.Errorf("normalized to %q %q %q %q, want DEMO01, 李 小明, 7, 2580", j.Code, j.Name, j.Number, j.PIN)
	}
	bad := StudentJoin{Code: "!!", Name: "", Number: "1a", PIN: "12a4"}
	f := bad.Validate()
	if f["code"].ID != "ErrJoinCodeFormat" || f["name"].ID != "ErrRequired" || f["number"].ID != "ErrStudentNumber" || f["pin"].ID != "ErrPINFormat" {
		t.Errorf("Validate(bad) = %v", f)
	}
}

func TestValidatePIN(t *testing.T) {
	for pin, want := range map[string]string{
		"": "ErrRequired", "123": "ErrPINFormat", "1234567": "ErrPINFormat", "12a4": "ErrPINFormat", "１２３４": "ErrPINFormat",
		"0000": "ErrPINEasy", "1234": "ErrPINEasy", "654321": "ErrPINEasy", "4567": "ErrPINEasy",
		"2580": "", "1357": "", "902614": "", "1123": "",
	} {
		if got := ValidatePIN(pin).ID; got != want {
			t.Errorf("ValidatePIN(%q) = %q, want %q", pin, got, want)
		}
	}
}

func TestPersonalCode(t *testing.T) {
	c := NewPersonalCode()
	if len(c) != PersonalCodeLength || NormalizePersonalCode(c) != c {
		t.Fatalf("NewPersonalCode() = %q", c)
	}
	printed := FormatPersonalCode(c)
	if len(printed) != PersonalCodeLength+3 || NormalizePersonalCode(" "+strings.ToLower(printed)+" ") != c {
		t.Errorf("FormatPersonalCode(%q) = %q does not read back", c, printed)
	}
	if NormalizePersonalCode("DEMO01") != "" || NormalizePersonalCode(strings.Repeat("0", PersonalCodeLength)) != "" {
		t.Error("a short code or one with symbols never printed was accepted")
	}
	if HashPersonalCode(c) == HashPersonalCode(NewPersonalCode()) || len(HashPersonalCode(c)) != 64 {
		t.Error("personal code hashes collide or are not SHA-256")
	}
}

func TestNewJoinCode(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		c := NewJoinCode()
		if len(c) != JoinCodeLength || !ValidJoinCodeFormat(c) || strings.ContainsAny(c, "01OIL") {
			t.Fatalf("NewJoinCode() = %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 990 {
		t.Errorf("only %d distinct codes in 1000", len(seen))
	}
}

// FuzzStudentJoin checks the join form's parser on any input: it never panics, and what
// it accepts is in the normal form the store relies on.
func FuzzStudentJoin(f *testing.F) {
	f.Add("DEMO01", "李小明", "12")
	f.Add(" de mo-01", "  王\t芳 ", "007")
	f.Add("", "", "")
	f.Add("ABCDEFGHIJKLMN", strings.Repeat("长", 21), "12345678901")
	f.Add("demo01", "a\x00b", "0")
	f.Fuzz(func(t *testing.T, code, name, number string) {
		j := StudentJoin{Code: code, Name: name, Number: number}
		errs := j.Validate()
		if _, bad := errs["code"]; !bad && !ValidJoinCodeFormat(j.Code) {
			t.Errorf("accepted code %q", j.Code)
		}
		if _, bad := errs["name"]; !bad {
			n := utf8.RuneCountInString(j.Name)
			if n == 0 || n > 20 || strings.TrimSpace(j.Name) != j.Name || !utf8.ValidString(j.Name) || strings.ContainsRune(j.Name, 0) {
				t.Errorf("accepted name %q", j.Name)
			}
		}
		if _, bad := errs["number"]; !bad {
			if j.Number == "" || j.Number[0] == '0' || len(j.Number) > 10 || strings.Trim(j.Number, "0123456789") != "" {
				t.Errorf("accepted number %q", j.Number)
			}
		}
	})
}
