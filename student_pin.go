package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// A student proves who they are with a PIN of 4 to 6 digits, set at their first join,
// or with a personal code from a slip their teacher printed. Class code, name and number
// alone are known to every classmate.
const (
	MinPINLength = 4
	MaxPINLength = 6
)

// PIN guessing limits: wrong PINs (and a name that does not go with the number) are
// counted per student and per class over a window; at the limit, joins that need a PIN
// are refused until the window has passed or the teacher resets the student's PIN.
const (
	PINFailuresPerStudent = 5
	PINFailuresPerClass   = 30
	PINWindow             = 15 * time.Minute
)

// ValidatePIN checks a PIN as a student sets it: 4 to 6 digits, not one digit repeated
// and not a plain run such as 1234 or 654321, which a classmate would try first.
func ValidatePIN(p string) Message {
	if p == "" {
		return Msg("ErrRequired")
	}
	if !wellFormedPIN(p) {
		return Msg("ErrPINFormat", "Min", MinPINLength, "Max", MaxPINLength)
	}
	same, up, down := true, true, true
	for i := 1; i < len(p); i++ {
		same = same && p[i] == p[0]
		up = up && p[i] == p[i-1]+1
		down = down && p[i] == p[i-1]-1
	}
	if same || up || down {
		return Msg("ErrPINEasy")
	}
	return Message{}
}

// wellFormedPIN reports whether p is 4 to 6 ASCII digits.
func wellFormedPIN(p string) bool {
	if len(p) < MinPINLength || len(p) > MaxPINLength {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// PersonalCodeLength is the number of symbols of a personal sign-in code: 16 of the 31
// symbols of join codes, about 79 bits, far beyond guessing.
const PersonalCodeLength = 16

// NewPersonalCode returns a random personal sign-in code for a student's slip.
func NewPersonalCode() string {
	b := make([]byte, PersonalCodeLength)
	for i := range b {
		b[i] = joinCodeAlphabet[randIndex(len(joinCodeAlphabet))]
	}
	return string(b)
}

// FormatPersonalCode groups a personal code in fours for printing: ABCD-EFGH-….
func FormatPersonalCode(c string) string {
	var parts []string
	for len(c) > 4 {
		parts = append(parts, c[:4])
		c = c[4:]
	}
	return strings.Join(append(parts, c), "-")
}

// NormalizePersonalCode returns a personal code as typed, upper-cased without spaces or
// dashes; "" when it cannot be one.
func NormalizePersonalCode(s string) string {
	c := NormalizeJoinCode(s)
	if len(c) != PersonalCodeLength {
		return ""
	}
	for _, r := range c {
		if !strings.ContainsRune(joinCodeAlphabet, r) {
			return ""
		}
	}
	return c
}

// HashPersonalCode is what the database keeps of a personal code: its SHA-256. The code
// is long and random, so a fast hash is enough, and it can be looked up.
func HashPersonalCode(c string) string {
	sum := sha256.Sum256([]byte("student-code:" + c))
	return hex.EncodeToString(sum[:])
}
