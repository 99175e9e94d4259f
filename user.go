package portal

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an account may do. Scope (district, school, association) comes with the account.
type Role string

// The roles of the portal.
const (
	RoleAdmin       Role = "admin"       // city anti-drug office administrator
	RoleDistrict    Role = "district"    // reviewer scoped to one district
	RoleTeacher     Role = "teacher"     // school administrator or teacher, scoped to one school
	RoleCoordinator Role = "coordinator" // coordinator of one volunteer association
	RoleVolunteer   Role = "volunteer"   // registered volunteer
)

// Roles lists the account roles in the order they are offered to the admin.
var Roles = []Role{RoleAdmin, RoleDistrict, RoleTeacher, RoleCoordinator, RoleVolunteer, RoleBase}

// Valid reports whether r is a known account role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is a staff or volunteer account. Students are not users: they join a class with a code.
type User struct {
	ID                 int64
	Username           string
	DisplayName        string
	Role               Role
	DistrictID         int64 // RoleDistrict
	SchoolID           int64 // RoleTeacher
	AssociationID      int64 // RoleCoordinator, RoleVolunteer
	Disabled           bool
	MustChangePassword bool
	Demo               bool
	CreatedAt          time.Time
	LastLoginAt        time.Time

	// Filled by joins for display.
	DistrictName    string
	SchoolName      string
	AssociationName string
}

// MinPasswordLength is the shortest password accepted. There are no composition rules.
const MinPasswordLength = 8

// MaxPasswordLength bounds the input to the hash (bcrypt reads 72 bytes).
const MaxPasswordLength = 72

// NormalizeUsername returns the canonical form of a username: trimmed and lower case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateUsername checks a (normalized) username: 3–32 of a–z, 0–9, '.', '_', '-'.
func ValidateUsername(s string) Message {
	if s == "" {
		return Msg("ErrRequired")
	}
	if len(s) < 3 || len(s) > 32 {
		return Msg("ErrUsernameLength")
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return Msg("ErrUsernameChars")
		}
	}
	return Message{}
}

// ValidatePassword checks a new password's length and returns a message ID or "".
func ValidatePassword(p string) Message {
	if p == "" {
		return Msg("ErrRequired")
	}
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return Msg("ErrPasswordShort", "Min", MinPasswordLength)
	}
	if len(p) > MaxPasswordLength {
		return Msg("ErrPasswordLong", "Max", MaxPasswordLength)
	}
	return Message{}
}

// Validate checks an account's fields as the admin enters them.
func (u *User) Validate() FieldErrors {
	f := FieldErrors{}
	u.Username = NormalizeUsername(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	f.Add("username", ValidateUsername(u.Username))
	f.Add("display_name", ValidateText(u.DisplayName, 1, 40))
	if !u.Role.Valid() {
		f.AddID("role", "ErrChoose")
	}
	switch u.Role {
	case RoleDistrict:
		if u.DistrictID <= 0 {
			f.AddID("district_id", "ErrChoose")
		}
	case RoleTeacher:
		if u.SchoolID <= 0 {
			f.AddID("school_id", "ErrChoose")
		}
	case RoleCoordinator:
		if u.AssociationID <= 0 {
			f.AddID("association_id", "ErrChoose")
		}
	}
	return f
}

// ValidateText checks a free-text field's length in characters (runes). min 0 means optional.
func ValidateText(s string, min, max int) Message {
	n := utf8.RuneCountInString(s)
	if n == 0 && min > 0 {
		return Msg("ErrRequired")
	}
	if n < min {
		return Msg("ErrTooShort", "Min", min)
	}
	if n > max {
		return Msg("ErrTooLong", "Max", max)
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return Msg("ErrBadText")
	}
	return Message{}
}
