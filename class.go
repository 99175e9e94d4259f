package portal

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode"
)

// Class is a class of a school in one school year. Students join it with its join code.
type Class struct {
	ID         int64
	SchoolID   int64
	SchoolYear int
	Grade      int
	Name       string
	JoinCode   string
	Archived   bool
	CreatedAt  time.Time

	// Guardians' consent: the date guardians were informed and agreed, and the version of
	// the notice they were given. A zero ConsentDate means not recorded yet.
	ConsentDate    time.Time
	ConsentVersion string

	SchoolName string // filled by joins
	Students   int    // filled by listings
}

// HasConsent reports whether the guardians' consent is recorded for the class.
func (c *Class) HasConsent() bool { return !c.ConsentDate.IsZero() }

// Validate checks a class against its school's stage.
func (c *Class) Validate(stage Stage) FieldErrors {
	f := FieldErrors{}
	c.Name = strings.TrimSpace(c.Name)
	f.Add("name", ValidateText(c.Name, 1, 20))
	first, last, ok := stage.Grades()
	if !ok || c.Grade < first || c.Grade > last {
		f.Add("grade", Msg("ErrGradeStage", "Min", first, "Max", last))
	}
	return f
}

// joinCodeAlphabet leaves out letters and digits that are easy to confuse on a projector
// or a printed slip (0/O, 1/I/L).
const joinCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// JoinCodeLength is the length of generated join codes.
const JoinCodeLength = 6

// NewJoinCode returns a random join code.
func NewJoinCode() string {
	b := make([]byte, JoinCodeLength)
	for i := range b {
		b[i] = joinCodeAlphabet[randIndex(len(joinCodeAlphabet))]
	}
	return string(b)
}

func randIndex(n int) int {
	var b [1]byte
	for {
		rand.Read(b[:])
		// Reject the tail so every symbol is equally likely.
		if int(b[0]) < 256-256%n {
			return int(b[0]) % n
		}
	}
}

// NormalizeJoinCode returns a join code as typed, upper-cased with spaces and dashes removed.
func NormalizeJoinCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == ' ' || r == '-' || r == '\u3000' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidJoinCodeFormat reports whether s (normalized) could be a join code: 4–12 letters and digits.
func ValidJoinCodeFormat(s string) bool {
	if len(s) < 4 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Student is a pupil who joined a class. Students are minors: the portal knows only the
// name their class knows them by and their number in the class.
type Student struct {
	ID        int64
	ClassID   int64
	Name      string
	Number    string
	CreatedAt time.Time
	// HasPIN and HasCode tell whether the student has set a PIN and has a personal
	// sign-in code (filled by class listings for the teacher).
	HasPIN  bool
	HasCode bool

	ClassName  string // filled by joins
	Grade      int
	SchoolID   int64
	SchoolName string
	SchoolYear int
	Imported   bool // on the roster the school imported, not joined yet
}

// StudentJoin is what a student types to join a class. PIN is set at the first join
// and needed at every later one.
type StudentJoin struct {
	Code   string
	Name   string
	Number string
	PIN    string
}

// Validate normalizes and checks a join form.
func (j *StudentJoin) Validate() FieldErrors {
	f := FieldErrors{}
	j.Code = NormalizeJoinCode(j.Code)
	j.Name = strings.Join(strings.FieldsFunc(j.Name, unicode.IsSpace), " ")
	j.Number = strings.TrimSpace(j.Number)
	if j.Code == "" {
		f.AddID("code", "ErrRequired")
	} else if !ValidJoinCodeFormat(j.Code) {
		f.AddID("code", "ErrJoinCodeFormat")
	}
	f.Add("name", ValidateText(j.Name, 1, 20))
	if j.Number == "" {
		f.AddID("number", "ErrRequired")
	} else if len(j.Number) > 10 || strings.IndexFunc(j.Number, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		f.AddID("number", "ErrStudentNumber")
	} else {
		j.Number = strings.TrimLeft(j.Number, "0")
		if j.Number == "" {
			f.AddID("number", "ErrStudentNumber")
		}
	}
	// Every PIN ever set passed ValidatePIN, so refusing an easy one at every join, not
	// only at the first, says nothing about whether the number is already taken.
	j.PIN = strings.TrimSpace(j.PIN)
	f.Add("pin", ValidatePIN(j.PIN))
	return f
}

// Consent is the record that a class's guardians were informed and agreed.
type Consent struct {
	Date    time.Time
	Version string
}

// ConsentNoticeVersion is the version of the guardians' notice the portal prints now.
// Change it whenever the notice text changes.
const ConsentNoticeVersion = "2026-09"

// Validate checks a consent record; the date may not be in the future nor before the
// school year of the class.
func (c *Consent) Validate(schoolYear int, now time.Time) FieldErrors {
	f := FieldErrors{}
	c.Version = strings.TrimSpace(c.Version)
	start, _ := SchoolYearBounds(schoolYear)
	switch {
	case c.Date.IsZero():
		f.AddID("date", "ErrDate")
	case c.Date.After(now):
		f.AddID("date", "ErrDateFuture")
	case c.Date.Before(start.AddDate(0, -3, 0)):
		f.AddID("date", "ErrDateBeforeYear")
	}
	f.Add("version", ValidateText(c.Version, 1, 20))
	return f
}

// Audit is one row of the audit log: who changed what.
type Audit struct {
	ID       int64
	At       time.Time
	ActorID  int64
	Actor    string // username, or a description such as "student 12" or "system"
	Action   string // e.g. "school.create"
	Entity   string // e.g. "school"
	EntityID int64
	Detail   string // a short human-readable summary (JSON of changed fields)
}
