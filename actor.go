package portal

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Actor is who makes a change, for the audit log.
type Actor struct {
	UserID int64  // 0 for students and the system
	Label  string // username, "student:ID" or "system"
}

// SystemActor is the actor of changes made by commands such as seeding.
var SystemActor = Actor{Label: "system"}

// StudentActor returns the actor for a student's own changes.
func StudentActor(id int64) Actor { return Actor{Label: fmt.Sprintf("student:%d", id)} }

// bcryptCost is the cost OWASP recommends as the minimum for bcrypt (2^10 rounds, about
// 60 ms here): 60 staff of a school logging in at once must not queue for long.
const bcryptCost = 10

// pinCost is bcrypt's cost for students' PINs (bcrypt.MinCost: 2^4 rounds, about a millisecond). A PIN of
// 4–6 digits falls to an offline search of its million values at any cost, so a higher
// one buys no safety there; what protects PINs is the online limit per student and class.
// It keeps the first joins of a city-wide test (3,000 students within a minute) at about
// 3 s of CPU instead of 150.
const pinCost = bcrypt.MinCost

// HashPIN returns the bcrypt hash of a student's PIN; CheckPassword checks it.
func HashPIN(pin string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), pinCost)
	return string(h), err
}

// HashPassword returns the bcrypt hash of a password.
func HashPassword(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), bcryptCost)
	return string(h), err
}

// CheckPassword reports whether p matches the hash.
func CheckPassword(hash, p string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(p)) == nil
}

// dummyHash is compared against when an account does not exist, so that a login for an
// unknown username takes as long as one for a known username.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcryptCost)
	return h
})

// CheckNoPassword spends the time a password check takes and returns false.
func CheckNoPassword(p string) bool {
	bcrypt.CompareHashAndPassword(dummyHash(), []byte(p))
	return false
}

// RandomToken returns n random bytes, hex-encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
