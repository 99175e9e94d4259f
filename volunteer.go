package portal

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Skill is what a volunteer can offer and an opportunity may want.
type Skill string

// The skills of the volunteer register.
const (
	SkillLecturing    Skill = "lecturing"
	SkillPublicity    Skill = "publicity"
	SkillCounselling  Skill = "counselling"
	SkillEventSupport Skill = "event-support"
	SkillPhotography  Skill = "photography"
	SkillOther        Skill = "other"
)

// Skills lists the skills in the order they are offered.
var Skills = []Skill{SkillLecturing, SkillPublicity, SkillCounselling, SkillEventSupport, SkillPhotography, SkillOther}

// ValidSkills reports whether every skill is known.
func ValidSkills(ss []Skill) bool {
	for _, s := range ss {
		if !slices.Contains(Skills, s) {
			return false
		}
	}
	return true
}

// JoinSkills stores skills as a comma-separated list; SplitSkills reads it back.
func JoinSkills(ss []Skill) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

// SplitSkills reads a comma-separated skill list.
func SplitSkills(s string) []Skill {
	var out []Skill
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, Skill(p))
		}
	}
	return out
}

// VolunteerRulesVersion is the version of the service rules and personal-data notice a
// volunteer accepts at registration; the accepted version is recorded with the profile.
const VolunteerRulesVersion = "2026-01"

// Volunteer is a volunteer's profile beside their account. Identity-card numbers are not
// collected.
type Volunteer struct {
	UserID         int64
	Name           string
	Username       string
	Phone          string
	DistrictID     int64
	DistrictName   string
	Skills         []Skill
	Availability   string
	ConsentVersion string
	ConsentAt      time.Time
	Deleted        bool
}

var mobileRe = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// NormalizeMobile strips spaces and dashes from a mobile number.
func NormalizeMobile(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
}

// ValidateMobile checks an 11-digit mainland mobile number.
func ValidateMobile(s string) Message {
	if s == "" {
		return Msg("ErrRequired")
	}
	if !mobileRe.MatchString(s) {
		return Msg("VolErrMobile")
	}
	return Message{}
}

// Validate checks a volunteer's profile fields.
func (v *Volunteer) Validate() FieldErrors {
	f := FieldErrors{}
	v.Name = strings.TrimSpace(v.Name)
	v.Phone = NormalizeMobile(v.Phone)
	v.Availability = strings.TrimSpace(v.Availability)
	f.Add("name", ValidateText(v.Name, 2, 20))
	f.Add("phone", ValidateMobile(v.Phone))
	if v.DistrictID <= 0 {
		f.AddID("district_id", "ErrChoose")
	}
	if len(v.Skills) == 0 || !ValidSkills(v.Skills) {
		f.AddID("skills", "VolErrSkills")
	}
	f.Add("availability", ValidateText(v.Availability, 0, 200))
	return f
}

// NameInitials returns what a public certificate check shows of a name: the surname and
// a star for every other character of a Chinese name, the initials of a Latin one.
func NameInitials(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(name)
	if r > 0x2E80 {
		return string(r) + strings.Repeat("*", max(1, utf8.RuneCountInString(name)-1))
	}
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		c, _ := utf8.DecodeRuneInString(w)
		b.WriteString(strings.ToUpper(string(c)) + ". ")
	}
	return strings.TrimSpace(b.String())
}

// Membership statuses of a volunteer in an association.
const (
	MemberApplied  = "applied"
	MemberApproved = "approved"
	MemberDeclined = "declined"
	MemberLeft     = "left"
)

// Membership is a volunteer's standing in one association.
type Membership struct {
	ID              int64
	UserID          int64
	AssociationID   int64
	AssociationName string
	VolunteerName   string
	Username        string
	Phone           string
	Skills          []Skill
	Status          string
	Reason          string
	AppliedAt       time.Time
	DecidedAt       time.Time
}

// Member is a membership in its coordinator's list, with the member's confirmed hours of
// service in the association's opportunities and how many services those were.
type Member struct {
	Membership
	Hours    float64
	Services int
}

// Check-in may be opened from CheckinOpensBefore the start; volunteers may still check
// out until CheckinStaysOpen after the end.
const (
	CheckinOpensBefore = 2 * time.Hour
	CheckinStaysOpen   = 2 * time.Hour
)

// CheckinRefusal returns the message ID of why check-in cannot be opened at now, or ""
// when it can: the coordinator's page shows it in place of the button, and the store
// refuses with it.
func (o *Opportunity) CheckinRefusal(now time.Time) string {
	switch {
	case o.Status != OppOpen:
		return "VolErrCancelled"
	case now.Before(o.StartsAt.Add(-CheckinOpensBefore)):
		return "VolErrCheckinTooEarly"
	case now.After(o.EndsAt.Add(CheckinStaysOpen)):
		return "VolErrCheckinOver"
	}
	return ""
}

// Opportunity statuses.
const (
	OppOpen      = "open"
	OppCancelled = "cancelled"
)

// Opportunity is a volunteer service with limited places.
type Opportunity struct {
	ID              int64
	AssociationID   int64
	AssociationName string
	DistrictID      int64
	DistrictName    string
	Title           string
	Description     string
	Place           string
	StartsAt        time.Time
	EndsAt          time.Time
	Deadline        time.Time
	Capacity        int
	Skills          []Skill
	CityWide        bool
	Status          string
	SchoolID        int64 // a school's request became this opportunity
	SchoolName      string
	ActivityKey     string // the activity the school asked for, as text
	RequestID       int64
	CheckinCode     string
	CheckinExpires  time.Time
	HoursConfirmed  bool
	SchoolConfirmed bool
	CreatedAt       time.Time

	// Counted for display.
	SignedUp   int
	Waitlisted int
}

// MaxOpportunityHours bounds one opportunity's length: services are a day at most.
const MaxOpportunityHours = 12

// Validate checks an opportunity as a coordinator (or the city admin, who picks the
// association) enters it; now is the current time.
func (o *Opportunity) Validate(now time.Time) FieldErrors {
	f := FieldErrors{}
	if o.AssociationID <= 0 {
		f.AddID("association_id", "ErrChoose")
	}
	o.Title = strings.TrimSpace(o.Title)
	o.Description = strings.TrimSpace(o.Description)
	o.Place = strings.TrimSpace(o.Place)
	f.Add("title", ValidateText(o.Title, 2, 60))
	f.Add("description", ValidateText(o.Description, 0, 2000))
	f.Add("place", ValidateText(o.Place, 2, 100))
	switch {
	case o.StartsAt.IsZero():
		f.AddID("starts_at", "VolErrDateTime")
	case !o.StartsAt.After(now):
		f.AddID("starts_at", "VolErrStartPast")
	}
	switch {
	case o.EndsAt.IsZero():
		f.AddID("ends_at", "VolErrDateTime")
	case !o.StartsAt.IsZero() && !o.EndsAt.After(o.StartsAt):
		f.AddID("ends_at", "VolErrEndBeforeStart")
	case !o.StartsAt.IsZero() && o.EndsAt.Sub(o.StartsAt) > MaxOpportunityHours*time.Hour:
		f.Add("ends_at", Msg("VolErrTooLong", "Max", MaxOpportunityHours))
	}
	switch {
	case o.Deadline.IsZero():
		f.AddID("deadline", "VolErrDateTime")
	case !o.StartsAt.IsZero() && o.Deadline.After(o.StartsAt):
		f.AddID("deadline", "VolErrDeadlineAfterStart")
	}
	if o.Capacity < 1 || o.Capacity > 500 {
		f.Add("capacity", Msg("VolErrCapacity", "Max", 500))
	}
	if !ValidSkills(o.Skills) {
		f.AddID("skills", "VolErrSkills")
	}
	return f
}

// Hours returns the opportunity's scheduled length in hours.
func (o *Opportunity) Hours() float64 { return o.EndsAt.Sub(o.StartsAt).Hours() }

// Overlaps reports whether two time ranges [aStart, aEnd) and [bStart, bEnd) share time.
func Overlaps(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}

// Sign-up statuses.
const (
	SignupConfirmed  = "confirmed"
	SignupWaitlisted = "waitlisted"
	SignupCancelled  = "cancelled"
)

// Signup is one volunteer's place (or place in the queue) for an opportunity.
type Signup struct {
	ID            int64
	OpportunityID int64
	UserID        int64
	Name          string
	Status        string
	Seq           int
	SignedAt      time.Time
	CheckinAt     time.Time
	CheckoutAt    time.Time
	Attended      bool // checked in, or marked present by the coordinator
	Hours         float64
	HoursSet      bool // hours confirmed
	Opportunity   *Opportunity
}

// ProposedHours returns the hours a sign-up is proposed for: the time between check-in
// and check-out within the opportunity's schedule, or the scheduled length when the
// volunteer was marked present or did not check out, rounded down to the half hour.
// Someone who did not attend is proposed nothing.
func ProposedHours(o *Opportunity, s *Signup) float64 {
	if !s.Attended {
		return 0
	}
	h := o.Hours()
	if !s.CheckinAt.IsZero() && !s.CheckoutAt.IsZero() {
		in, out := s.CheckinAt, s.CheckoutAt
		if in.Before(o.StartsAt) {
			in = o.StartsAt
		}
		if out.After(o.EndsAt) {
			out = o.EndsAt
		}
		h = max(0, out.Sub(in).Hours())
	}
	return RoundHours(h)
}

// RoundHours rounds hours down to the half hour.
func RoundHours(h float64) float64 { return math.Floor(h*2) / 2 }

// ValidateHours checks hours entered by a coordinator for one opportunity.
func ValidateHours(h float64, o *Opportunity) Message {
	if math.IsNaN(h) || h < 0 || h > o.Hours()+0.001 || math.Mod(h*2, 1) != 0 {
		return Msg("VolErrHours", "Max", RoundHours(o.Hours()))
	}
	return Message{}
}

// VolunteerRequest is a school's request for volunteers (for example a speaker for the
// drug-law class), addressed to an association.
type VolunteerRequest struct {
	ID              int64
	SchoolID        int64
	SchoolName      string
	AssociationID   int64
	AssociationName string
	ActivityKey     string
	Topic           string
	Details         string
	PreferredDate   time.Time
	Volunteers      int
	Status          string // open, accepted, declined
	Reason          string
	OpportunityID   int64
	CreatedAt       time.Time
}

// Request statuses.
const (
	RequestOpen     = "open"
	RequestAccepted = "accepted"
	RequestDeclined = "declined"
)

// RequestActivities are the kinds of help a school may ask for, as keys of the activity
// catalogue (content checks that each exists): the school's confirmation of the held
// opportunity records an activity of that kind.
var RequestActivities = []string{"law-class", "class-meeting", "base-visit", "lecture", "june-26", "parent-meeting", "other"}

// Validate checks a school's request; now is the current time.
func (q *VolunteerRequest) Validate(now time.Time) FieldErrors {
	f := FieldErrors{}
	q.Topic = strings.TrimSpace(q.Topic)
	q.Details = strings.TrimSpace(q.Details)
	if q.AssociationID <= 0 {
		f.AddID("association_id", "ErrChoose")
	}
	if !slices.Contains(RequestActivities, q.ActivityKey) {
		f.AddID("activity", "ErrChoose")
	}
	f.Add("topic", ValidateText(q.Topic, 2, 60))
	f.Add("details", ValidateText(q.Details, 0, 1000))
	if q.PreferredDate.IsZero() {
		f.AddID("date", "VolErrDateTime")
	} else if q.PreferredDate.Before(now.Truncate(24 * time.Hour)) {
		f.AddID("date", "VolErrStartPast")
	}
	if q.Volunteers < 1 || q.Volunteers > 50 {
		f.Add("volunteers", Msg("VolErrCapacity", "Max", 50))
	}
	return f
}

// Notice kinds a volunteer sees on their home page.
const (
	NoticePromoted  = "promoted"
	NoticeCancelled = "cancelled"
	NoticeMoved     = "moved"
)

// VolunteerNotice tells a volunteer of a change to one of their sign-ups.
type VolunteerNotice struct {
	Kind          string
	OpportunityID int64
	Title         string
	StartsAt      time.Time
	At            time.Time
}

// Certificate is a printed record of a volunteer's confirmed hours with a code anyone
// can check.
type Certificate struct {
	Code            string
	UserID          int64
	Initials        string
	AssociationName string
	Hours           float64
	Services        int
	IssuedAt        time.Time
}

// MonthHours is the confirmed hours of one month.
type MonthHours struct {
	Month string // YYYY-MM
	Hours float64
}

// AssociationReport is a coordinator's figures for their association.
type AssociationReport struct {
	Members       int
	Applications  int
	Opportunities int
	Places        int
	Filled        int
	NoShows       int
	Hours         float64
	ByMonth       []MonthHours
	Rows          []OpportunityFill
}

// OpportunityFill is one held or coming opportunity's fill and attendance.
type OpportunityFill struct {
	ID       int64
	Title    string
	StartsAt time.Time
	Capacity int
	Filled   int
	Attended int
	NoShows  int
	Hours    float64
}

// CityVolunteerRow is one association's line in the city report.
type CityVolunteerRow struct {
	AssociationID int64
	Name          string
	District      string
	Members       int
	Applications  int
	Opportunities int
	Hours         float64
}
