package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// QuestionKind is the form of a bank question.
type QuestionKind string

// The kinds of question.
const (
	SingleChoice   QuestionKind = "single"    // one right option
	MultipleChoice QuestionKind = "multiple"  // two or more right options, scored all-or-nothing
	TrueFalse      QuestionKind = "truefalse" // two options: true, false
)

// QuestionTags are the topics a question can carry; teachers draw quizzes by them.
var QuestionTags = []string{"basics", "health", "addiction", "disguise", "nps", "law", "minors", "refusal", "help", "day626", "history"}

// Bands are the lesson and quiz bands, youngest first.
var Bands = []string{"primary", "junior", "senior"}

// ValidBand reports whether b is a known band.
func ValidBand(b string) bool { return slices.Contains(Bands, b) }

// Question is one question of a bank. Answer holds the indices of the right options in
// Options; Explanation and Answer never reach a browser before the attempt is submitted.
type Question struct {
	ID          string
	Kind        QuestionKind
	Band        string
	Tags        []string
	Text        string
	Options     []string
	Answer      []int
	Explanation string
	Source      string
}

// Check returns what is wrong with a question, or "" when it is sound: an ID, a known
// kind and band, text, distinct non-empty options, a right answer that fits the kind,
// an explanation and a source.
func (q *Question) Check() string {
	switch {
	case strings.TrimSpace(q.ID) == "":
		return "no id"
	case !ValidBand(q.Band):
		return fmt.Sprintf("unknown band %q", q.Band)
	case strings.TrimSpace(q.Text) == "":
		return "no question text"
	case strings.TrimSpace(q.Explanation) == "":
		return "no explanation"
	case strings.TrimSpace(q.Source) == "":
		return "no source"
	case len(q.Tags) == 0:
		return "no tags"
	}
	for _, t := range q.Tags {
		if !slices.Contains(QuestionTags, t) {
			return fmt.Sprintf("unknown tag %q", t)
		}
	}
	seen := map[string]bool{}
	for _, o := range q.Options {
		o = strings.TrimSpace(o)
		if o == "" {
			return "an empty option"
		}
		if seen[o] {
			return fmt.Sprintf("option %q twice", o)
		}
		seen[o] = true
	}
	if len(q.Answer) == 0 {
		return "no right answer"
	}
	for i, a := range q.Answer {
		if a < 0 || a >= len(q.Options) {
			return "the right answer is not one of the options"
		}
		if i > 0 && q.Answer[i-1] >= a {
			return "right answers repeated or out of order"
		}
	}
	switch q.Kind {
	case SingleChoice:
		if len(q.Options) < 3 || len(q.Options) > 6 {
			return "a single-choice question needs 3 to 6 options"
		}
		if len(q.Answer) != 1 {
			return "a single-choice question needs exactly one right answer"
		}
	case MultipleChoice:
		if len(q.Options) < 3 || len(q.Options) > 6 {
			return "a multiple-choice question needs 3 to 6 options"
		}
		if len(q.Answer) < 2 {
			return "a multiple-choice question needs at least two right answers"
		}
	case TrueFalse:
		if len(q.Options) != 2 {
			return "a true/false question needs exactly two options"
		}
		if len(q.Answer) != 1 {
			return "a true/false question needs exactly one right answer"
		}
	default:
		return fmt.Sprintf("unknown kind %q", q.Kind)
	}
	return ""
}

// HasTag reports whether the question carries any of tags; no tags means any question.
func (q *Question) HasTag(tags []string) bool {
	if len(tags) == 0 {
		return true
	}
	for _, t := range tags {
		if slices.Contains(q.Tags, t) {
			return true
		}
	}
	return false
}

// Right reports whether a choice (original option indices, in any order) is the right
// answer. A multiple-choice question is right only when exactly the right options are
// chosen (all-or-nothing): no partial credit.
func (q *Question) Right(choice []int) bool {
	if len(choice) != len(q.Answer) {
		return false
	}
	c := slices.Clone(choice)
	slices.Sort(c)
	return slices.Equal(c, q.Answer)
}

// QuizKind is what a quiz is for.
type QuizKind string

// The kinds of quiz.
const (
	QuizPractice  QuizKind = "practice"  // unlimited attempts; does not count
	QuizKnowledge QuizKind = "knowledge" // counts for the awareness rate
	QuizPre       QuizKind = "pre"       // before a unit of lessons
	QuizPost      QuizKind = "post"      // after it, paired with a pre-test for the gain
)

// QuizKinds lists the kinds in the order they are offered.
var QuizKinds = []QuizKind{QuizKnowledge, QuizPractice, QuizPre, QuizPost}

// Valid reports whether k is a known kind.
func (k QuizKind) Valid() bool { return slices.Contains(QuizKinds, k) }

// CountsForAwareness reports whether attempts of the kind count for the awareness rate:
// knowledge tests only, never practice.
func (k QuizKind) CountsForAwareness() bool { return k == QuizKnowledge }

// InstantFeedback reports whether a student of this kind of quiz may see right or wrong
// and the explanation of a question as soon as they answer it: in practice only, and only
// where the assignment shows answers at once (Attempt.InstantFeedback). Knowledge tests,
// pre- and post-tests reveal nothing before submission.
func (k QuizKind) InstantFeedback() bool { return k == QuizPractice }

// Review is when the students of an assignment see the right answers and explanations
// of their submitted attempts (Moodle's review options). Their own score they always see.
type Review string

// The review options.
const (
	ReviewImmediately Review = "immediately" // as soon as the attempt is submitted (practice: as each question is answered)
	ReviewClosed      Review = "closed"      // once the assignment has closed for everyone
	ReviewNever       Review = "never"       // never; the teacher goes through them in class
)

// Reviews lists the review options in the order they are offered.
var Reviews = []Review{ReviewClosed, ReviewImmediately, ReviewNever}

// Valid reports whether r is a known review option.
func (r Review) Valid() bool { return slices.Contains(Reviews, r) }

// DefaultReview is the review option an assignment of a kind gets unless the teacher
// chooses another: practice shows answers at once, every test once it has closed, so
// that the key does not reach classmates who have not taken it yet.
func DefaultReview(k QuizKind) Review {
	if k == QuizPractice {
		return ReviewImmediately
	}
	return ReviewClosed
}

// Quiz is a quiz definition: questions are drawn from the bank by band and tags.
type Quiz struct {
	ID        int64
	SchoolID  int64 // 0 for a city-wide quiz of the city office
	Title     string
	Kind      QuizKind
	Band      string
	Tags      []string
	Questions int
	TimeLimit int // minutes
	PassMark  int // percent of the maximum
	PairID    int64
	CreatedAt time.Time
}

// Quiz limits.
const (
	MaxQuizQuestions = 30
	MaxTimeLimit     = 120
)

// Validate checks a quiz as a teacher or the city office enters it; available counts
// the bank questions that fit its band and tags.
func (q *Quiz) Validate(available int) FieldErrors {
	f := FieldErrors{}
	q.Title = strings.TrimSpace(q.Title)
	f.Add("title", ValidateText(q.Title, 2, 60))
	if !q.Kind.Valid() {
		f.AddID("kind", "ErrChoose")
	}
	if !ValidBand(q.Band) {
		f.AddID("band", "ErrChoose")
	}
	if q.Questions < 1 || q.Questions > MaxQuizQuestions {
		f.Add("questions", Msg("ErrRange", "Min", 1, "Max", MaxQuizQuestions))
	} else if ValidBand(q.Band) && q.Questions > available {
		f.Add("questions", Msg("QuizErrTooFew", "N", available))
	}
	if q.TimeLimit < 1 || q.TimeLimit > MaxTimeLimit {
		f.Add("time_limit", Msg("ErrRange", "Min", 1, "Max", MaxTimeLimit))
	}
	if q.PassMark < 1 || q.PassMark > 100 {
		f.Add("pass_mark", Msg("ErrRange", "Min", 1, "Max", 100))
	}
	if q.Kind == QuizPost && q.PairID <= 0 {
		f.AddID("pair_id", "ErrChoose")
	}
	if q.Kind != QuizPost {
		q.PairID = 0
	}
	return f
}

// Assignment opens a quiz to a class (or, city-wide, to every class of a band) between
// two times.
type Assignment struct {
	ID         int64
	QuizID     int64
	ClassID    int64  // 0 for a city-wide test
	Band       string // city-wide tests: the band whose students see it
	SchoolYear int
	OpensAt    time.Time
	ClosesAt   time.Time
	Review     Review // when students see the right answers and explanations

	Quiz      *Quiz  // filled by joins
	ClassName string // filled by joins
}

// Open reports whether the assignment can be started at t.
func (a *Assignment) Open(t time.Time) bool { return !t.Before(a.OpensAt) && t.Before(a.ClosesAt) }

// ValidateTimes checks an assignment's window.
func (a *Assignment) ValidateTimes() FieldErrors {
	f := FieldErrors{}
	if a.OpensAt.IsZero() {
		f.AddID("opens_at", "ErrDate")
	}
	if a.ClosesAt.IsZero() {
		f.AddID("closes_at", "ErrDate")
	} else if !a.OpensAt.IsZero() && !a.ClosesAt.After(a.OpensAt) {
		f.AddID("closes_at", "QuizErrCloseBeforeOpen")
	}
	return f
}

// Item is one drawn question of an attempt with the order its options are shown in:
// Perm[i] is the original index of the option shown in position i.
type Item struct {
	Q    string `json:"q"`
	Perm []int  `json:"p"`
}

// Draw picks n of the questions at random and shuffles each one's options (true/false
// questions keep their order). The result is stored in the attempt, so the order is
// stable for that attempt.
func Draw(r *rand.Rand, questions []*Question, n int) []Item {
	idx := r.Perm(len(questions))
	if n > len(idx) {
		n = len(idx)
	}
	out := make([]Item, n)
	for i := range n {
		q := questions[idx[i]]
		perm := make([]int, len(q.Options))
		for k := range perm {
			perm[k] = k
		}
		if q.Kind != TrueFalse {
			r.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		}
		out[i] = Item{Q: q.ID, Perm: perm}
	}
	return out
}

// Original maps positions as shown to original option indices, dropping positions out
// of range and repeats; ok is false when any position was out of range.
func (it Item) Original(shown []int) (orig []int, ok bool) {
	ok = true
	seen := map[int]bool{}
	for _, p := range shown {
		if p < 0 || p >= len(it.Perm) {
			ok = false
			continue
		}
		if !seen[p] {
			seen[p] = true
			orig = append(orig, it.Perm[p])
		}
	}
	slices.Sort(orig)
	return orig, ok
}

// Shown maps original option indices back to positions as shown.
func (it Item) Shown(orig []int) []int {
	var out []int
	for pos, o := range it.Perm {
		if slices.Contains(orig, o) {
			out = append(out, pos)
		}
	}
	return out
}

// EncodeChoice and DecodeChoice store a choice as "0,2".
func EncodeChoice(c []int) string {
	parts := make([]string, len(c))
	for i, x := range c {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

// DecodeChoice reads a stored choice.
func DecodeChoice(s string) []int {
	if s == "" {
		return nil
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Score counts the items answered right. Speed never counts: only correctness.
// right[i] tells whether item i was right; unanswered items are wrong.
func Score(bank map[string]*Question, items []Item, answers map[string][]int) (score int, right []bool) {
	right = make([]bool, len(items))
	for i, it := range items {
		q := bank[it.Q]
		if q == nil {
			continue
		}
		if a, ok := answers[it.Q]; ok && q.Right(a) {
			right[i] = true
			score++
		}
	}
	return score, right
}

// Aware reports whether a score counts as knowing: at least 80 % of the maximum.
func Aware(score, max int) bool { return max > 0 && score*5 >= max*4 }

// Flags of implausible attempts, a bit set.
const (
	FlagFast      = 1 << iota // the whole quiz answered faster than it can be read
	FlagDevice                // one device, many students within minutes
	FlagIdentical             // the same answer sheet as several classmates
)

// Flag thresholds.
const (
	MinSecondsPerQuestion = 2                // reading a question and its options takes longer
	DeviceWindow          = 10 * time.Minute // attempts started this close on one device…
	DeviceStudents        = 3                // …by this many different students are flagged
	IdenticalSheets       = 4                // this many identical sheets with a mistake in a class are flagged
	SubmitGrace           = 30 * time.Second // network slack after the time limit
)

// TooFast reports whether an attempt of n questions was submitted implausibly fast.
func TooFast(started, submitted time.Time, n int) bool {
	return submitted.Sub(started) < time.Duration(n*MinSecondsPerQuestion)*time.Second
}

// SheetKey identifies an answer sheet: the same questions with the same choices give
// the same key whatever the order they were shown in.
func SheetKey(items []Item, answers map[string][]int) string {
	keys := make([]string, 0, len(items))
	for _, it := range items {
		keys = append(keys, it.Q+"="+EncodeChoice(answers[it.Q]))
	}
	sort.Strings(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, ";")))
	return hex.EncodeToString(sum[:12])
}

// FlagNames returns the message IDs of the flags set, for display.
func FlagNames(flags int) []string {
	var out []string
	if flags&FlagFast != 0 {
		out = append(out, "QuizFlagFast")
	}
	if flags&FlagDevice != 0 {
		out = append(out, "QuizFlagDevice")
	}
	if flags&FlagIdentical != 0 {
		out = append(out, "QuizFlagIdentical")
	}
	return out
}

// Attempt is one student's go at an assigned quiz.
type Attempt struct {
	ID           int64
	AssignmentID int64
	QuizID       int64
	Kind         QuizKind
	StudentID    int64
	ClassID      int64
	SchoolID     int64
	SchoolYear   int
	Items        []Item
	Answers      map[string][]int // original option indices by question ID
	StartedAt    time.Time
	Deadline     time.Time
	SubmittedAt  time.Time
	Score        int
	MaxScore     int
	Flags        int
	Right        map[string]bool // after submission
	// Device is the browser's device cookie at the start, for the shared-device flag; it
	// is never shown.
	Device string

	QuizTitle string // filled by joins
	PassMark  int
	Review    Review    // the assignment's review option
	ClosesAt  time.Time // the assignment's close

	StudentName string // set only for the student's teachers' pages
	Number      string
}

// InstantFeedback reports whether the student sees each question's verdict and
// explanation as they answer: practice whose assignment shows answers at once.
func (a *Attempt) InstantFeedback() bool {
	return a.Kind.InstantFeedback() && a.Review == ReviewImmediately
}

// ShowsAnswers reports whether the student may see the right answers and explanations
// of the attempt at t: once submitted, and as the assignment's review option says.
func (a *Attempt) ShowsAnswers(t time.Time) bool {
	if !a.Submitted() {
		return false
	}
	switch a.Review {
	case ReviewImmediately:
		return true
	case ReviewClosed:
		return !t.Before(a.ClosesAt)
	}
	return false
}

// Submitted reports whether the attempt is finished.
func (a *Attempt) Submitted() bool { return !a.SubmittedAt.IsZero() }

// Percent returns the score as a whole percentage of the maximum.
func (a *Attempt) Percent() int {
	if a.MaxScore == 0 {
		return 0
	}
	return a.Score * 100 / a.MaxScore
}

// Passed reports whether the score reaches the quiz's pass mark.
func (a *Attempt) Passed() bool { return a.MaxScore > 0 && a.Score*100 >= a.PassMark*a.MaxScore }

// MinGroup is the smallest group of students whose figures are shown outside their
// school: smaller groups could single a pupil out.
const MinGroup = 5

// Awareness is an awareness figure of a group: students with a knowledge-test attempt
// and those whose latest score reached 80 %, over all attempts and over unflagged ones.
type Awareness struct {
	Students, Aware                 int
	VerifiedStudents, VerifiedAware int
}

// Shown reports whether the group is large enough to show.
func (a Awareness) Shown() bool { return a.Students >= MinGroup }

// Suppress returns which groups of a table shown beside its total must be hidden: every
// group under MinGroup, and, when the groups hidden add up to fewer than MinGroup
// students (but some), the smallest group shown as well; otherwise the total minus the
// groups shown would give the small group's figure away.
func Suppress(counts []int) []bool { return suppress(counts, nil) }

func suppress(counts []int, forced []bool) []bool {
	hide := make([]bool, len(counts))
	hidden := 0
	for i, n := range counts {
		if n < MinGroup || forced != nil && forced[i] {
			hide[i] = true
			hidden += n
		}
	}
	if hidden > 0 && hidden < MinGroup {
		next := -1
		for i, n := range counts {
			if !hide[i] && (next < 0 || n < counts[next]) {
				next = i
			}
		}
		if next >= 0 {
			hide[next] = true
		}
	}
	return hide
}

// SuppressGroups applies Suppress to a table of awareness figures: to the figure over all
// attempts, and to the one over unflagged attempts, which is hidden too wherever the
// first is.
func SuppressGroups(groups []Awareness) (all, verified []bool) {
	s, v := make([]int, len(groups)), make([]int, len(groups))
	for i, g := range groups {
		s[i], v[i] = g.Students, g.VerifiedStudents
	}
	all = suppress(s, nil)
	return all, suppress(v, all)
}

// Lesson is a lesson of the embedded content, rendered to HTML once at start.
type Lesson struct {
	Slug    string
	Title   string
	TitleEn string
	Band    string
	Minutes int
	Order   int
	Tags    []string
	Sources []string
	HTML    string
}

// ResultRow is one student of a class with their latest attempt at an assignment.
type ResultRow struct {
	StudentID   int64
	Name        string
	Number      string
	AttemptID   int64 // 0: not started
	Submitted   bool
	Score, Max  int
	Flags       int
	StartedAt   time.Time
	SubmittedAt time.Time
}

// Percent returns the score as a whole percentage.
func (r ResultRow) Percent() int {
	if r.Max == 0 {
		return 0
	}
	return r.Score * 100 / r.Max
}

// ItemStat is the share of a class answering one question right.
type ItemStat struct {
	QuestionID      string
	Answered, Right int
}

// ClassResults is a teacher's view of one assignment in one class.
type ClassResults struct {
	Rows      []ResultRow
	Submitted int
	// Buckets counts submitted scores by percentage: <60, 60–69, 70–79, 80–89, 90–100.
	Buckets   [5]int
	Items     []ItemStat
	Awareness Awareness
}

// Gain is the pre/post-test gain of a class: students who took both, and their mean
// percentages.
type Gain struct {
	PreTitle, PostTitle string
	Students            int
	Pre, Post           float64
}
