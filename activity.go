package portal

import (
	"strings"
	"time"
)

// ActivityType is one kind of prevention-education activity of the catalogue: one of the
// ten activities every school runs each school year ("十个一"), or another kind that counts
// for participation only.
type ActivityType struct {
	Key        string
	Name       string // Chinese
	NameEn     string
	Desc       string // what counts, Chinese
	DescEn     string
	Evidence   string // what evidence is expected, Chinese
	EvidenceEn string
	// GraduatingOnly marks an activity for graduating classes only (the graduates' oath).
	GraduatingOnly bool
	// Ten marks one of the ten activities.
	Ten bool
}

// AppliesToSchool reports whether a school is expected to run the activity: an activity
// for graduating classes applies only to schools that have them.
func (t *ActivityType) AppliesToSchool(sc *School) bool {
	return !t.GraduatingOnly || sc.HasGraduating
}

// AppliesToClass reports whether a class of a grade at the school is expected to take part.
func (t *ActivityType) AppliesToClass(sc *School, grade int) bool {
	return !t.GraduatingOnly || sc.HasGraduating && grade == GraduatingGrade(sc.Stage)
}

// GraduatingGrade returns the grade that graduates at a school of the stage.
func GraduatingGrade(s Stage) int {
	_, last, _ := s.Grades()
	return last
}

// ActivityCatalogue is the catalogue of activity types: the ten in their official order,
// then the other kinds.
type ActivityCatalogue struct {
	Ten   []ActivityType
	Other []ActivityType
	byKey map[string]*ActivityType
}

// NewActivityCatalogue builds a catalogue; keys must be unique (content checks them).
func NewActivityCatalogue(ten, other []ActivityType) *ActivityCatalogue {
	c := &ActivityCatalogue{Ten: ten, Other: other, byKey: map[string]*ActivityType{}}
	for i := range c.Ten {
		c.Ten[i].Ten = true
		c.byKey[c.Ten[i].Key] = &c.Ten[i]
	}
	for i := range c.Other {
		c.Other[i].Ten = false
		c.byKey[c.Other[i].Key] = &c.Other[i]
	}
	return c
}

// Type returns the activity type of a key, or nil for an unknown key.
func (c *ActivityCatalogue) Type(key string) *ActivityType { return c.byKey[key] }

// All returns the ten, then the other kinds.
func (c *ActivityCatalogue) All() []ActivityType {
	return append(append([]ActivityType{}, c.Ten...), c.Other...)
}

// FileKind is the kind of an evidence file.
type FileKind string

// Evidence file kinds.
const (
	FilePhoto FileKind = "photo"
	FilePDF   FileKind = "pdf"
)

// Evidence limits.
const (
	MaxPhotos      = 9
	MaxAttachments = 3
	MaxPhotoBytes  = 5 << 20
	MaxPDFBytes    = 10 << 20
)

// ActivityFile is a photo or an attachment of an activity record, stored outside the
// database under a random name.
type ActivityFile struct {
	ID         int64
	ActivityID int64
	Kind       FileKind
	Name       string // stored name of the file
	Thumb      string // stored name of a photo's thumbnail
	Original   string // the name the file had on the teacher's device
	Size       int64
	Width      int
	Height     int
}

// Activity is one prevention-education activity a school ran, with who took part and
// its evidence.
type Activity struct {
	ID          int64
	SchoolID    int64
	SchoolYear  int
	Type        string // a catalogue key
	Title       string
	Date        time.Time
	WholeSchool bool
	ClassIDs    []int64
	Students    int
	Teachers    int
	Parents     int
	Speaker     string // a volunteer or speaker, if any
	Description string
	Published   bool // shown on the school's public page
	FaceConsent bool // consent was given for faces in its photos to be shown publicly
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Files       []ActivityFile

	SchoolName   string   // filled by joins
	ClassNames   []string // filled by GetActivity
	CreatorLabel string   // filled by GetActivity
}

// Photos returns the record's photos.
func (a *Activity) Photos() []ActivityFile { return a.filesOf(FilePhoto) }

// Attachments returns the record's PDF attachments.
func (a *Activity) Attachments() []ActivityFile { return a.filesOf(FilePDF) }

func (a *Activity) filesOf(k FileKind) []ActivityFile {
	var out []ActivityFile
	for _, f := range a.Files {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

// Participation limits beyond the school's enrolment.
const (
	MaxActivityTeachers = 2000
	MaxActivityParents  = 20000
)

// Validate normalizes and checks a record against the catalogue, its school, the school's
// classes of the record's school year, and the current time. The record's school year is
// the one the teacher logs for; its date must fall in it and not after today.
func (a *Activity) Validate(cat *ActivityCatalogue, sc *School, classes []Class, now time.Time) FieldErrors {
	f := FieldErrors{}
	a.Title = strings.TrimSpace(a.Title)
	a.Speaker = strings.TrimSpace(a.Speaker)
	a.Description = strings.TrimSpace(a.Description)
	t := cat.Type(a.Type)
	if t == nil {
		f.AddID("type", "ErrActUnknownType")
	} else if !t.AppliesToSchool(sc) {
		f.AddID("type", "ErrActGraduatingSchool")
	}
	if a.Title == "" && t != nil {
		a.Title = t.Name
	}
	f.Add("title", ValidateText(a.Title, 1, 60))

	start, end := SchoolYearBounds(a.SchoolYear)
	today := now.In(CST)
	switch {
	case a.Date.IsZero():
		f.AddID("date", "ErrDate")
	case a.Date.Before(start) || !a.Date.Before(end):
		f.Add("date", Msg("ErrActDateOutsideYear", "From", start.Format(time.DateOnly),
			"To", end.AddDate(0, 0, -1).Format(time.DateOnly)))
	case a.Date.In(CST).Format(time.DateOnly) > today.Format(time.DateOnly):
		f.AddID("date", "ErrDateFuture")
	}

	grade := map[int64]int{}
	for _, c := range classes {
		if c.SchoolID == sc.ID && c.SchoolYear == a.SchoolYear {
			grade[c.ID] = c.Grade
		}
	}
	seen := map[int64]bool{}
	ids := a.ClassIDs[:0:0]
	for _, id := range a.ClassIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		g, ok := grade[id]
		if !ok {
			f.AddID("classes", "ErrActClassUnknown")
			continue
		}
		if t != nil && !t.AppliesToClass(sc, g) {
			f.AddID("classes", "ErrActGraduatingClass")
		}
		ids = append(ids, id)
	}
	a.ClassIDs = ids
	if a.WholeSchool {
		a.ClassIDs = nil
	} else if len(a.ClassIDs) == 0 {
		f.AddID("classes", "ErrActClassesRequired")
	}

	switch {
	case a.Students < 0:
		f.Add("students", Msg("ErrRange", "Min", 0, "Max", sc.Enrolment))
	case a.Students > sc.Enrolment:
		f.Add("students", Msg("ErrActOverEnrolment", "Max", sc.Enrolment))
	}
	if a.Teachers < 0 || a.Teachers > MaxActivityTeachers {
		f.Add("teachers", Msg("ErrRange", "Min", 0, "Max", MaxActivityTeachers))
	}
	if a.Parents < 0 || a.Parents > MaxActivityParents {
		f.Add("parents", Msg("ErrRange", "Min", 0, "Max", MaxActivityParents))
	}
	f.Add("speaker", ValidateText(a.Speaker, 0, 60))
	f.Add("description", ValidateText(a.Description, 0, 2000))
	return f
}

// ActivityDone is one school's record count of one activity type in a school year.
type ActivityDone struct {
	SchoolID int64
	Type     string
	Records  int
}

// Cell states of the completion matrix.
const (
	CellNotApplicable = iota
	CellNotYet
	CellDone
)

// MatrixCell is one class's state for one activity, with the records that did it.
type MatrixCell struct {
	State   int
	Records []int64
}

// MatrixRow is one of the ten activities in a school's matrix.
type MatrixRow struct {
	Type    *ActivityType
	Applies bool
	Done    bool    // at least one record in the school year
	Records []int64 // every record of the activity in the school year
	Cells   []MatrixCell
}

// Matrix is a school's completion of the ten activities in a school year, by class.
type Matrix struct {
	SchoolYear int
	Classes    []Class
	Rows       []MatrixRow
	Done       int // applicable activities done
	Applicable int
	Students   int // student participations over every record of the year
	Records    int
}

// Missing returns the applicable activities not yet done, in catalogue order.
func (m *Matrix) Missing() []*ActivityType {
	var out []*ActivityType
	for _, r := range m.Rows {
		if r.Applies && !r.Done {
			out = append(out, r.Type)
		}
	}
	return out
}

// BuildMatrix computes a school's matrix from its classes and records of one school year.
// An activity is done for the school once any record of it exists in the year (the rule of
// the city's statistics); a class's cell is done when a record names it or the whole school.
func BuildMatrix(cat *ActivityCatalogue, sc *School, year int, classes []Class, records []Activity) *Matrix {
	m := &Matrix{SchoolYear: year, Classes: classes}
	for _, a := range records {
		m.Students += a.Students
		m.Records++
	}
	for i := range cat.Ten {
		t := &cat.Ten[i]
		row := MatrixRow{Type: t, Applies: t.AppliesToSchool(sc), Cells: make([]MatrixCell, len(classes))}
		for ci, c := range classes {
			if t.AppliesToClass(sc, c.Grade) {
				row.Cells[ci].State = CellNotYet
			}
		}
		for _, a := range records {
			if a.Type != t.Key || a.SchoolYear != year {
				continue
			}
			row.Records = append(row.Records, a.ID)
			for ci, c := range classes {
				cell := &row.Cells[ci]
				if cell.State == CellNotApplicable {
					continue
				}
				if a.WholeSchool || containsID(a.ClassIDs, c.ID) {
					cell.State = CellDone
					cell.Records = append(cell.Records, a.ID)
				}
			}
		}
		row.Done = row.Applies && len(row.Records) > 0
		if row.Applies {
			m.Applicable++
			if row.Done {
				m.Done++
			}
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// SchoolCompletion is one school's row of the ten in a school year.
type SchoolCompletion struct {
	School     School
	Done       []bool // by catalogue order of the ten
	Applies    []bool
	DoneCount  int
	Applicable int
	Records    int // records of any type, the other kinds included
}

// AllTen reports whether the school did every activity that applies to it.
func (s *SchoolCompletion) AllTen() bool { return s.Applicable > 0 && s.DoneCount == s.Applicable }

// TenTotal is the city's (or a district's) figure for one of the ten activities.
type TenTotal struct {
	Type        *ActivityType
	SchoolsDone int
	Applicable  int // schools for which it applies
}

// Completion is every school's row of the ten in a school year with the totals.
type Completion struct {
	Schools       []SchoolCompletion
	Totals        []TenTotal
	SchoolsAllTen int
}

// Keep returns the completion of the rows keep accepts, with the totals over them. It
// returns c itself when every row is kept; either way the result shares c's rows' slices
// and must not be modified.
func (c *Completion) Keep(keep func(*SchoolCompletion) bool) *Completion {
	n := 0
	for i := range c.Schools {
		if keep(&c.Schools[i]) {
			n++
		}
	}
	if n == len(c.Schools) {
		return c
	}
	out := &Completion{Schools: make([]SchoolCompletion, 0, n), Totals: make([]TenTotal, len(c.Totals))}
	for i, t := range c.Totals {
		out.Totals[i].Type = t.Type
	}
	for i := range c.Schools {
		row := &c.Schools[i]
		if !keep(row) {
			continue
		}
		for k := range row.Done {
			if row.Applies[k] {
				out.Totals[k].Applicable++
			}
			if row.Done[k] {
				out.Totals[k].SchoolsDone++
			}
		}
		if row.AllTen() {
			out.SchoolsAllTen++
		}
		out.Schools = append(out.Schools, *row)
	}
	return out
}

// BuildCompletion computes the rows and totals from the schools and the per-school
// record counts by type. A record of an activity that does not apply to its school (a
// graduates' oath logged before the school's graduating classes were removed) does not
// count.
func BuildCompletion(cat *ActivityCatalogue, schools []School, done []ActivityDone) *Completion {
	bySchool := map[int64]map[string]int{}
	for _, d := range done {
		if bySchool[d.SchoolID] == nil {
			bySchool[d.SchoolID] = map[string]int{}
		}
		bySchool[d.SchoolID][d.Type] += d.Records
	}
	c := &Completion{Schools: make([]SchoolCompletion, 0, len(schools)), Totals: make([]TenTotal, len(cat.Ten))}
	for i := range cat.Ten {
		c.Totals[i].Type = &cat.Ten[i]
	}
	for _, sc := range schools {
		row := SchoolCompletion{School: sc, Done: make([]bool, len(cat.Ten)), Applies: make([]bool, len(cat.Ten))}
		for _, n := range bySchool[sc.ID] {
			row.Records += n
		}
		for i := range cat.Ten {
			t := &cat.Ten[i]
			if !t.AppliesToSchool(&sc) {
				continue
			}
			row.Applies[i] = true
			row.Applicable++
			c.Totals[i].Applicable++
			if bySchool[sc.ID][t.Key] > 0 {
				row.Done[i] = true
				row.DoneCount++
				c.Totals[i].SchoolsDone++
			}
		}
		if row.AllTen() {
			c.SchoolsAllTen++
		}
		c.Schools = append(c.Schools, row)
	}
	return c
}
