package portal

import (
	"strings"
	"time"
)

// District is an administrative district of the city.
type District struct {
	ID      int64
	Name    string
	Code    string
	Schools int // filled by listings
}

// Validate checks a district as the admin enters it.
func (d *District) Validate() FieldErrors {
	f := FieldErrors{}
	d.Name = strings.TrimSpace(d.Name)
	d.Code = strings.ToUpper(strings.TrimSpace(d.Code))
	f.Add("name", ValidateText(d.Name, 2, 30))
	f.Add("code", ValidateText(d.Code, 0, 12))
	return f
}

// Stage is the level of schooling a school provides.
type Stage string

// The stages of schooling.
const (
	StagePrimary    Stage = "primary"    // 小学, grades 1–6
	StageJunior     Stage = "junior"     // 初中, grades 7–9
	StageSenior     Stage = "senior"     // 高中, grades 10–12
	StageNineYear   Stage = "nine-year"  // 九年一贯制, grades 1–9
	StageVocational Stage = "vocational" // 中职, grades 10–12
)

// Stages lists the stages in the order they are offered.
var Stages = []Stage{StagePrimary, StageJunior, StageSenior, StageNineYear, StageVocational}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	_, _, ok := s.Grades()
	return ok
}

// Grades returns the first and last grade a school of this stage teaches. Grades are
// numbered 1–12 across stages (初一 is grade 7, 高一 grade 10).
func (s Stage) Grades() (first, last int, ok bool) {
	switch s {
	case StagePrimary:
		return 1, 6, true
	case StageJunior:
		return 7, 9, true
	case StageSenior, StageVocational:
		return 10, 12, true
	case StageNineYear:
		return 1, 9, true
	}
	return 0, 0, false
}

// Band returns the lesson and quiz band of a grade: primary, junior or senior.
func Band(grade int) string {
	switch {
	case grade <= 6:
		return "primary"
	case grade <= 9:
		return "junior"
	default:
		return "senior"
	}
}

// BandGrades returns the first and last grade of a band (primary, junior, senior): the
// grades Band maps to it.
func BandGrades(band string) (first, last int) {
	switch band {
	case "primary":
		return 1, 6
	case "junior":
		return 7, 9
	default:
		return 10, 12
	}
}

// School is a school of the city.
type School struct {
	ID             int64
	DistrictID     int64
	Name           string
	Stage          Stage
	Enrolment      int
	HasGraduating  bool
	Address        string
	ContactName    string
	ContactPhone   string
	Active         bool
	CreatedAt      time.Time
	DistrictName   string         // filled by joins
	Demonstration  *Demonstration // the active designation, if any
	Classes        int            // filled by listings: classes of the current school year
	StudentsJoined int            // filled by listings
}

// MaxEnrolment bounds the enrolment a school can declare; the city's largest schools
// have a few thousand students.
const MaxEnrolment = 20000

// Validate checks a school as the admin enters it.
func (s *School) Validate() FieldErrors {
	f := FieldErrors{}
	s.Name = strings.TrimSpace(s.Name)
	s.Address = strings.TrimSpace(s.Address)
	s.ContactName = strings.TrimSpace(s.ContactName)
	s.ContactPhone = strings.TrimSpace(s.ContactPhone)
	f.Add("name", ValidateText(s.Name, 2, 60))
	if s.DistrictID <= 0 {
		f.AddID("district_id", "ErrChoose")
	}
	if !s.Stage.Valid() {
		f.AddID("stage", "ErrChoose")
	}
	if s.Enrolment < 0 || s.Enrolment > MaxEnrolment {
		f.Add("enrolment", Msg("ErrRange", "Min", 0, "Max", MaxEnrolment))
	}
	f.Add("address", ValidateText(s.Address, 0, 100))
	f.Add("contact_name", ValidateText(s.ContactName, 0, 30))
	f.Add("contact_phone", ValidatePhone(s.ContactPhone, false))
	return f
}

// ValidatePhone accepts a mainland mobile number (11 digits starting with 1) or a
// landline with area code (digits and one '-'), optional unless required.
func ValidatePhone(p string, required bool) Message {
	if p == "" {
		if required {
			return Msg("ErrRequired")
		}
		return Message{}
	}
	digits := 0
	for i, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' && i > 0:
		default:
			return Msg("ErrPhone")
		}
	}
	if digits < 7 || digits > 12 {
		return Msg("ErrPhone")
	}
	return Message{}
}

// DemoLevel is the level at which a demonstration school (示范学校) is designated.
type DemoLevel string

// Demonstration levels, highest first.
const (
	LevelNational   DemoLevel = "national"
	LevelProvincial DemoLevel = "provincial"
	LevelCity       DemoLevel = "city"
)

// DemoLevels lists the levels, highest first.
var DemoLevels = []DemoLevel{LevelNational, LevelProvincial, LevelCity}

// Valid reports whether l is a known level.
func (l DemoLevel) Valid() bool {
	return l == LevelNational || l == LevelProvincial || l == LevelCity
}

// Demonstration statuses.
const (
	DemoActive  = "active"
	DemoRevoked = "revoked"
)

// Demonstration is a school's designation as a demonstration school.
type Demonstration struct {
	ID         int64
	SchoolID   int64
	Level      DemoLevel
	Year       int
	Status     string
	Note       string
	CreatedAt  time.Time
	SchoolName string // filled by joins
	District   string // filled by joins
	// Since and ValidUntil are calendar dates (CST): the designation holds from the one
	// to the other, both included.
	Since, ValidUntil time.Time
	ApplicationID     int64  // the application that granted it; 0 for one typed in
	Notice            string // 限期整改: the city's reason, while the school is on notice
	Reason            string // why it was revoked
	RevokedAt         time.Time
}

// Expired reports whether the designation's validity has run out at now.
func (d *Demonstration) Expired(now time.Time) bool {
	return !d.ValidUntil.IsZero() && d.ValidUntil.Format(time.DateOnly) < now.In(CST).Format(time.DateOnly)
}

// Current reports whether the designation is active and unexpired at now.
func (d *Demonstration) Current(now time.Time) bool { return d.Status == DemoActive && !d.Expired(now) }

// DueWithin reports whether a current designation ends within days of now.
func (d *Demonstration) DueWithin(now time.Time, days int) bool {
	return d.Current(now) && d.ValidUntil.Format(time.DateOnly) <= now.In(CST).AddDate(0, 0, days).Format(time.DateOnly)
}

// DefaultSince is the start of a designation typed in with only its year: 1 September.
func (d *Demonstration) DefaultSince() time.Time {
	return time.Date(d.Year, time.September, 1, 0, 0, 0, 0, CST)
}

// Validate checks a designation; now is the current time, so the year cannot be in the future.
func (d *Demonstration) Validate(now time.Time) FieldErrors {
	f := FieldErrors{}
	d.Note = strings.TrimSpace(d.Note)
	if d.SchoolID <= 0 {
		f.AddID("school_id", "ErrChoose")
	}
	if !d.Level.Valid() {
		f.AddID("level", "ErrChoose")
	}
	if d.Year < 2000 || d.Year > now.Year() {
		f.Add("year", Msg("ErrRange", "Min", 2000, "Max", now.Year()))
	}
	f.Add("note", ValidateText(d.Note, 0, 200))
	return f
}
