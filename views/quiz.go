package views

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

// DateTimeLocal is the layout of a datetime-local input, in China Standard Time.
const DateTimeLocal = "2006-01-02T15:04"

// AttemptURL returns the address of a student's attempt.
func AttemptURL(id int64) string { return "/attempts/" + strconv.FormatInt(id, 10) }

// SchoolQuizURL returns the address of a quiz for teachers.
func SchoolQuizURL(id int64) string { return "/school/quizzes/" + strconv.FormatInt(id, 10) }

// AssignmentURL returns the address of a class assignment's dates, for its school's teachers.
func AssignmentURL(id int64) string { return "/school/assignments/" + strconv.FormatInt(id, 10) }

// LessonNext is what a lesson's page offers next: a quiz of the student's class on its
// subject (students only), and the next lesson of its band.
type LessonNext struct {
	Quiz   *portal.Assignment
	Lesson *portal.Lesson
}

// hasClass reports whether one of as is the class's own.
func hasClass(as []portal.Assignment, classID int64) bool {
	for _, a := range as {
		if a.ClassID == classID {
			return true
		}
	}
	return false
}

// ClassSheetURL returns the address of a student's answer sheet at an assignment in a class.
func ClassSheetURL(classID, assignmentID, studentID int64) string {
	return ClassResultsURL(classID, assignmentID) + "/students/" + strconv.FormatInt(studentID, 10)
}

// ClassQuizzesURL returns the address of a class's quizzes for teachers.
func ClassQuizzesURL(classID int64) string { return ClassURL(classID) + "/quizzes" }

// ClassResultsURL returns the address of an assignment's results in a class.
func ClassResultsURL(classID, assignmentID int64) string {
	return ClassQuizzesURL(classID) + "/" + strconv.FormatInt(assignmentID, 10)
}

// TakeItem is a question as a student sees it while taking a quiz: its text and its
// options in the attempt's order, and what the student chose. It has no field for the
// right answer or the explanation, so the page cannot show them before submission.
type TakeItem struct {
	N       int
	QID     string
	Kind    portal.QuestionKind
	Text    string
	Options []string
	Chosen  []int // positions as shown
}

// TakeView is the page of an attempt in progress.
type TakeView struct {
	Attempt *portal.Attempt
	Items   []TakeItem
}

// TakeOf builds the page of an attempt in progress from the bank.
func TakeOf(a *portal.Attempt, bank map[string]*portal.Question) TakeView {
	v := TakeView{Attempt: a}
	for i, it := range a.Items {
		q := bank[it.Q]
		if q == nil {
			continue
		}
		ti := TakeItem{N: i + 1, QID: q.ID, Kind: q.Kind, Text: q.Text, Chosen: it.Shown(a.Answers[q.ID])}
		for _, o := range it.Perm {
			ti.Options = append(ti.Options, q.Options[o])
		}
		v.Items = append(v.Items, ti)
	}
	return v
}

// ResultItem is a question of a submitted attempt with the right answer and why.
type ResultItem struct {
	TakeItem
	Right       bool
	Correct     []int // positions as shown
	Explanation string
	Source      string
}

// ResultView is the page of a submitted attempt.
type ResultView struct {
	Attempt *portal.Attempt
	Items   []ResultItem
}

// ResultOf builds the result page of a submitted attempt; it refuses (empty items) an
// attempt that is not submitted.
func ResultOf(a *portal.Attempt, bank map[string]*portal.Question) ResultView {
	v := ResultView{Attempt: a}
	if !a.Submitted() {
		return v
	}
	for _, ti := range TakeOf(a, bank).Items {
		q := bank[ti.QID]
		it := a.Items[ti.N-1]
		v.Items = append(v.Items, ResultItem{TakeItem: ti, Right: q.Right(a.Answers[q.ID]), Correct: it.Shown(q.Answer),
			Explanation: q.Explanation, Source: q.Source})
	}
	return v
}

// Feedback is the instant feedback on one question of a practice attempt. Show false
// clears the question's feedback (not answered yet, or a multiple-choice question the
// student has not asked to check).
type Feedback struct {
	QID         string
	Kind        portal.QuestionKind
	Show        bool
	Right       bool
	Chosen      []int // positions as shown
	Correct     []int // positions as shown
	Explanation string
	Source      string
}

// FeedbackOf returns the instant feedback of a practice attempt, one per question, from
// the answers saved so far: a single-choice or true/false question as soon as it is
// answered, a multiple-choice question once the student has asked to check it (checked
// names those), since its first tick is not yet an answer. Any other kind of attempt,
// and a submitted one, gets nil: tests reveal nothing before submission.
func FeedbackOf(a *portal.Attempt, bank map[string]*portal.Question, checked []string) []Feedback {
	if !a.InstantFeedback() || a.Submitted() {
		return nil
	}
	var out []Feedback
	for _, it := range a.Items {
		q := bank[it.Q]
		if q == nil {
			continue
		}
		f := Feedback{QID: q.ID, Kind: q.Kind}
		choice := a.Answers[q.ID]
		if len(choice) > 0 && (q.Kind != portal.MultipleChoice || slices.Contains(checked, q.ID)) {
			f.Show, f.Right = true, q.Right(choice)
			f.Chosen, f.Correct = it.Shown(choice), it.Shown(q.Answer)
			f.Explanation, f.Source = q.Explanation, q.Source
		}
		out = append(out, f)
	}
	return out
}

// Letter returns the letter of an option position: A, B, C…
func Letter(i int) string { return string(rune('A' + i)) }

// Letters returns the letters of positions, "AC"; "—" for none.
func Letters(ps []int) string {
	if len(ps) == 0 {
		return "—"
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(Letter(p))
	}
	return b.String()
}

// has reports whether positions include i.
func has(ps []int, i int) bool { return slices.Contains(ps, i) }

// KindName returns the translated name of a quiz kind.
func KindName(ctx context.Context, k portal.QuizKind) string {
	return T(ctx, "QuizKind_"+string(k))
}

// BandName returns the translated name of a band.
func BandName(ctx context.Context, b string) string { return T(ctx, "LessonBand_"+b) }

// QuestionKindName returns the translated name of a question kind.
func QuestionKindName(ctx context.Context, k portal.QuestionKind) string {
	return T(ctx, "QuizQKind_"+string(k))
}

// BandOptions lists the bands for a Select.
func BandOptions(ctx context.Context) []Option {
	var out []Option
	for _, b := range portal.Bands {
		out = append(out, Option{b, BandName(ctx, b)})
	}
	return out
}

// KindOptions lists the quiz kinds for a Select.
func KindOptions(ctx context.Context) []Option {
	var out []Option
	for _, k := range portal.QuizKinds {
		out = append(out, Option{string(k), KindName(ctx, k)})
	}
	return out
}

// ReviewOptions lists when students see the right answers, for an assignment's Select.
func ReviewOptions(ctx context.Context) []Option {
	var out []Option
	for _, r := range portal.Reviews {
		out = append(out, Option{string(r), T(ctx, "QuizReview_"+string(r))})
	}
	return out
}

// PairOptions lists a school's pre-tests for a post-test's Select.
func PairOptions(ctx context.Context, pres []portal.Quiz) []Option {
	out := []Option{{"", T(ctx, "QuizPairNone")}}
	for _, q := range pres {
		out = append(out, Option{strconv.FormatInt(q.ID, 10), q.Title + " · " + BandName(ctx, q.Band)})
	}
	return out
}

// AwarenessGroup is a named group's awareness figure (a district, a school, a class).
type AwarenessGroup struct {
	Name      string
	Awareness portal.Awareness
}

// suppressGroups says which groups' figures a table hides.
func suppressGroups(groups []AwarenessGroup) (all, verified []bool) {
	aw := make([]portal.Awareness, len(groups))
	for i, g := range groups {
		aw[i] = g.Awareness
	}
	return portal.SuppressGroups(aw)
}

// CityQuizzes is the city office's quiz page.
type CityQuizzes struct {
	Year   int
	Tests  []portal.Assignment
	City   portal.Awareness
	Groups []AwarenessGroup
	Form   *Form
	Tags   []string
}

// LessonTitle returns a lesson's title in the page's language.
func LessonTitle(ctx context.Context, l *portal.Lesson) string {
	if GetEnv(ctx).Lang == "en" {
		return l.TitleEn
	}
	return l.Title
}

// AssignmentState returns the message ID of where an assignment stands at now.
func AssignmentState(a portal.Assignment, now time.Time) string {
	switch {
	case now.Before(a.OpensAt):
		return "QuizStateNotYet"
	case a.Open(now):
		return "QuizStateOpen"
	}
	return "QuizStateClosed"
}

// latestAttempt returns the student's latest attempt at an assignment, or nil.
func latestAttempt(atts []portal.Attempt, assignmentID int64) *portal.Attempt {
	for i := range atts {
		if atts[i].AssignmentID == assignmentID {
			return &atts[i]
		}
	}
	return nil
}

// shortID keeps the question text short for tables.
func shortText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// maxBucket is the largest bucket, for the bars of the distribution.
func maxBucket(b [5]int) int { return max(1, slices.Max(b[:])) }
