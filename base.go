package portal

import (
	"regexp"
	"strings"
	"time"
)

// BaseKind is the kind of a place schools visit for prevention education.
type BaseKind string

// The kinds of education bases.
const (
	KindExhibitionHall BaseKind = "exhibition_hall" // the city's exhibition hall 禁毒预防教育展览馆
	KindBase           BaseKind = "base"            // an education base 禁毒教育基地
	KindPark           BaseKind = "park"            // a theme park 禁毒主题公园
	KindRehabCentre    BaseKind = "rehab_centre"    // a rehabilitation centre open to school visits
)

// BaseKinds lists the kinds in the order they are offered.
var BaseKinds = []BaseKind{KindExhibitionHall, KindBase, KindPark, KindRehabCentre}

// Valid reports whether k is a known kind.
func (k BaseKind) Valid() bool {
	for _, x := range BaseKinds {
		if k == x {
			return true
		}
	}
	return false
}

// RoleBase is the manager of one or more education bases.
const RoleBase Role = "base"

// Base is an education base, the exhibition hall, a theme park or a rehabilitation centre
// that schools visit.
type Base struct {
	ID          int64
	Name        string
	Kind        BaseKind
	DistrictID  int64
	Address     string
	Hours       string // opening hours, free text
	Description string
	Covers      string // what a visit covers
	Access      string // accessibility notes
	Transport   string // how to get there
	Active      bool
	ManagerIDs  []int64
	CreatedAt   time.Time

	DistrictName string   // filled by joins
	Managers     []string // display names, filled by GetBase
	FreePlaces   int      // free places in upcoming open slots, filled by listings
}

// Validate normalizes and checks a base as the city admin enters it.
func (b *Base) Validate() FieldErrors {
	f := FieldErrors{}
	for _, p := range []*string{&b.Name, &b.Address, &b.Hours, &b.Description, &b.Covers, &b.Access, &b.Transport} {
		*p = strings.TrimSpace(*p)
	}
	f.Add("name", ValidateText(b.Name, 2, 60))
	if !b.Kind.Valid() {
		f.AddID("kind", "ErrChoose")
	}
	if b.DistrictID <= 0 {
		f.AddID("district_id", "ErrChoose")
	}
	f.Add("address", ValidateText(b.Address, 4, 120))
	f.Add("hours", ValidateText(b.Hours, 0, 120))
	f.Add("description", ValidateText(b.Description, 0, 2000))
	f.Add("covers", ValidateText(b.Covers, 0, 1000))
	f.Add("access", ValidateText(b.Access, 0, 500))
	f.Add("transport", ValidateText(b.Transport, 0, 500))
	return f
}

// Slot statuses.
const (
	SlotOpen   = "open"
	SlotClosed = "closed"
)

// MaxSlotCapacity bounds a slot's places.
const MaxSlotCapacity = 2000

// Slot is a visit slot of a base: a time with a number of places, for school groups or,
// when Public, for individual visitors; a slot may be reserved for one district's schools.
type Slot struct {
	ID         int64
	BaseID     int64
	StartsAt   time.Time
	EndsAt     time.Time
	Capacity   int
	Booked     int
	Public     bool
	DistrictID int64 // 0: any district
	Status     string
	Reason     string // why the day was closed

	BaseName     string // filled by joins
	DistrictName string
}

// Free returns the places left.
func (s *Slot) Free() int { return max(0, s.Capacity-s.Booked) }

// Day returns the slot's calendar date in China Standard Time.
func (s *Slot) Day() string { return s.StartsAt.In(CST).Format(time.DateOnly) }

// Validate checks a slot as a base manager enters it.
func (s *Slot) Validate(now time.Time) FieldErrors {
	f := FieldErrors{}
	switch {
	case s.StartsAt.IsZero():
		f.AddID("date", "ErrDate")
	case !s.StartsAt.After(now):
		f.AddID("date", "ErrBaseSlotPast")
	}
	if !s.StartsAt.IsZero() && !s.EndsAt.After(s.StartsAt) {
		f.AddID("end", "ErrBaseSlotEnd")
	}
	if s.Capacity < 1 || s.Capacity > MaxSlotCapacity {
		f.Add("capacity", Msg("ErrBaseBetween", "Min", 1, "Max", MaxSlotCapacity))
	}
	if s.Public {
		s.DistrictID = 0
	}
	return f
}

// SlotPattern is a weekly pattern of slots over a term: on each chosen weekday between
// two dates, a slot at the same time with the same places.
type SlotPattern struct {
	From, To   time.Time // calendar dates in CST, both included
	Weekdays   []time.Weekday
	Start, End string // "09:00"
	Capacity   int
	Public     bool
	DistrictID int64
}

// MaxPatternDays bounds a pattern's span (a term and a bit).
const MaxPatternDays = 200

var clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// ParseClock reads a time of day "15:04" on a calendar date in CST.
func ParseClock(day time.Time, hhmm string) (time.Time, bool) {
	hhmm = strings.TrimSpace(hhmm)
	if !clockRE.MatchString(hhmm) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", day.In(CST).Format(time.DateOnly)+" "+hhmm, CST)
	return t, err == nil
}

// Slots validates the pattern and returns its slots, from the first future day.
func (p *SlotPattern) Slots(baseID int64, now time.Time) ([]Slot, FieldErrors) {
	f := FieldErrors{}
	if p.From.IsZero() {
		f.AddID("from", "ErrDate")
	}
	if p.To.IsZero() {
		f.AddID("to", "ErrDate")
	}
	if !p.From.IsZero() && !p.To.IsZero() {
		if p.To.Before(p.From) {
			f.AddID("to", "ErrBasePatternOrder")
		} else if p.To.Sub(p.From) > MaxPatternDays*24*time.Hour {
			f.Add("to", Msg("ErrBasePatternLong", "Max", MaxPatternDays))
		}
	}
	if len(p.Weekdays) == 0 {
		f.AddID("weekdays", "ErrChoose")
	}
	_, okStart := ParseClock(time.Now(), p.Start)
	_, okEnd := ParseClock(time.Now(), p.End)
	if !okStart {
		f.AddID("start", "ErrBaseClock")
	}
	if !okEnd {
		f.AddID("end", "ErrBaseClock")
	} else if okStart && p.End <= p.Start {
		f.AddID("end", "ErrBaseSlotEnd")
	}
	if p.Capacity < 1 || p.Capacity > MaxSlotCapacity {
		f.Add("capacity", Msg("ErrBaseBetween", "Min", 1, "Max", MaxSlotCapacity))
	}
	if len(f) > 0 {
		return nil, f
	}
	days := map[time.Weekday]bool{}
	for _, d := range p.Weekdays {
		days[d] = true
	}
	var out []Slot
	for d := p.From.In(CST); !d.After(p.To.In(CST)); d = d.AddDate(0, 0, 1) {
		if !days[d.Weekday()] {
			continue
		}
		start, _ := ParseClock(d, p.Start)
		end, _ := ParseClock(d, p.End)
		if !start.After(now) {
			continue
		}
		s := Slot{BaseID: baseID, StartsAt: start, EndsAt: end, Capacity: p.Capacity, Public: p.Public, DistrictID: p.DistrictID, Status: SlotOpen}
		if s.Public {
			s.DistrictID = 0
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		f.AddID("from", "ErrBasePatternEmpty")
		return nil, f
	}
	return out, nil
}

// Booking statuses, of school groups and individual visitors alike.
const (
	BookingBooked    = "booked"
	BookingCancelled = "cancelled"
	BookingClosed    = "closed" // the base closed the day
	BookingAttended  = "attended"
)

// BookingCutoff is how long before a visit a school or a visitor may still cancel.
const BookingCutoff = 24 * time.Hour

// MaxClassSize is the most students a class is taken to have while none of them has
// joined the portal (the national standard allows 56).
const MaxClassSize = 60

// MaxBookingTeachers bounds the accompanying teachers of one booking.
const MaxBookingTeachers = 100

// Booking is a school's group booking of a slot for some of its classes.
type Booking struct {
	ID         int64
	SlotID     int64
	SchoolID   int64
	Students   int
	Teachers   int
	Guide      bool // a volunteer guide was asked for
	Status     string
	Code       string // on the slip, for the base's check-in
	Arrived    int    // students who came, confirmed by the base
	ActivityID int64
	ClassIDs   []int64
	CreatedAt  time.Time

	Slot       Slot     // filled by joins
	SchoolName string   // filled by joins
	ClassNames []string // filled by joins
}

// Visitor is an individual visitor's booking of a public slot: name and mobile only,
// erased 90 days after the visit.
type Visitor struct {
	ID       int64
	SlotID   int64
	Name     string
	Mobile   string
	People   int
	Code     string
	Status   string
	Slot     Slot // filled by joins
	Erased   bool
	BookedAt time.Time
}

// VisitorRetention is how long after the visit a visitor's name and mobile are kept.
const VisitorRetention = 90 * 24 * time.Hour

// MaxVisitorPeople bounds the places of one visitor booking (a family).
const MaxVisitorPeople = 5

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// Validate normalizes and checks a visitor's booking.
func (v *Visitor) Validate() FieldErrors {
	f := FieldErrors{}
	v.Name = strings.TrimSpace(v.Name)
	v.Mobile = strings.ReplaceAll(strings.TrimSpace(v.Mobile), " ", "")
	f.Add("name", ValidateText(v.Name, 1, 20))
	if !mobileRE.MatchString(v.Mobile) {
		f.AddID("mobile", "ErrBaseMobile")
	}
	if v.People < 1 || v.People > MaxVisitorPeople {
		f.Add("people", Msg("ErrBaseBetween", "Min", 1, "Max", MaxVisitorPeople))
	}
	return f
}

// BookingCodeLength is the length of booking codes.
const BookingCodeLength = 8

// NewBookingCode returns a random booking code of the join-code alphabet.
func NewBookingCode() string {
	b := make([]byte, BookingCodeLength)
	for i := range b {
		b[i] = joinCodeAlphabet[randIndex(len(joinCodeAlphabet))]
	}
	return string(b)
}

// NormalizeCode returns a typed code in its canonical form.
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// DaySheet is one slot of a base's day with the school groups and visitors booked.
type DaySheet struct {
	Slot     Slot
	Bookings []Booking
	Visitors []Visitor
}

// BaseMonth is one month of a base's report.
type BaseMonth struct {
	Month       string // "2026-11"
	Slots       int    // open slots (closed days left out)
	Capacity    int    // their places
	Booked      int    // places held by bookings and visitors (booked or came)
	Groups      int    // school groups that came
	Students    int    // students who came
	Visitors    int    // individual visitors who came (people)
	NoShows     int    // bookings and visitor bookings of past slots nobody confirmed
	ClosedSlots int
}

// FillRate is the share of the places that were booked.
func (m BaseMonth) FillRate() float64 {
	if m.Capacity == 0 {
		return 0
	}
	return float64(m.Booked) / float64(m.Capacity)
}

// DistrictCoverage is the share of a district's active schools with an education-base
// visit recorded in a school year.
type DistrictCoverage struct {
	District string
	Schools  int
	Visited  int
}
