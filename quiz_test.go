package portal_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jinducity/portal"
)

func bankOf(qs ...*portal.Question) map[string]*portal.Question {
	m := map[string]*portal.Question{}
	for _, q := range qs {
		m[q.ID] = q
	}
	return m
}

var (
	single = &portal.Question{ID: "S", Kind: portal.SingleChoice, Options: []string{"a", "b", "c", "d"}, Answer: []int{1}}
	multi  = &portal.Question{ID: "M", Kind: portal.MultipleChoice, Options: []string{"a", "b", "c", "d"}, Answer: []int{0, 2, 3}}
	tf     = &portal.Question{ID: "T", Kind: portal.TrueFalse, Options: []string{"正确", "错误"}, Answer: []int{1}}
)

// Multiple choice is all-or-nothing: a subset or a superset of the right options scores 0.
func TestScore(t *testing.T) {
	items := []portal.Item{{Q: "S"}, {Q: "M"}, {Q: "T"}}
	bank := bankOf(single, multi, tf)
	tests := []struct {
		name    string
		answers map[string][]int
		score   int
		right   []bool
	}{
		{"all right", map[string][]int{"S": {1}, "M": {3, 0, 2}, "T": {1}}, 3, []bool{true, true, true}},
		{"multiple subset", map[string][]int{"S": {1}, "M": {0, 2}, "T": {1}}, 2, []bool{true, false, true}},
		{"multiple superset", map[string][]int{"M": {0, 1, 2, 3}}, 0, []bool{false, false, false}},
		{"none answered", map[string][]int{}, 0, []bool{false, false, false}},
		{"two options for a single", map[string][]int{"S": {1, 2}}, 0, []bool{false, false, false}},
		{"unknown question ignored", map[string][]int{"X": {0}, "T": {1}}, 1, []bool{false, false, true}},
	}
	for _, tt := range tests {
		score, right := portal.Score(bank, items, tt.answers)
		if score != tt.score || !slices.Equal(right, tt.right) {
			t.Errorf("%s: Score = %d %v, want %d %v", tt.name, score, right, tt.score, tt.right)
		}
	}
	if !portal.Aware(8, 10) || portal.Aware(7, 10) || portal.Aware(0, 0) {
		t.Error("Aware: 80 % of the maximum is the line")
	}
}

func TestDrawStableAndShuffled(t *testing.T) {
	qs := []*portal.Question{single, multi, tf}
	a := portal.Draw(rand.New(rand.NewPCG(7, 7)), qs, 3)
	b := portal.Draw(rand.New(rand.NewPCG(7, 7)), qs, 3)
	if !slices.EqualFunc(a, b, func(x, y portal.Item) bool { return x.Q == y.Q && slices.Equal(x.Perm, y.Perm) }) {
		t.Fatalf("the same seed drew %v and %v", a, b)
	}
	orders := map[string]bool{}
	for i := range 50 {
		items := portal.Draw(rand.New(rand.NewPCG(uint64(i), 1)), qs, 3)
		var key string
		for _, it := range items {
			key += it.Q
			if it.Q == "T" && !slices.Equal(it.Perm, []int{0, 1}) {
				t.Errorf("true/false options shuffled: %v", it.Perm)
			}
			if it.Q == "S" {
				key += string(rune('0' + it.Perm[0]))
			}
			// Shown and Original are inverse.
			q := bankOf(qs...)[it.Q]
			if got, ok := it.Original(it.Shown(q.Answer)); !ok || !slices.Equal(got, q.Answer) {
				t.Errorf("Original(Shown(%v)) = %v", q.Answer, got)
			}
		}
		orders[key] = true
	}
	if len(orders) < 10 {
		t.Errorf("50 draws gave only %d orders: not shuffled", len(orders))
	}
	if _, ok := a[0].Original([]int{9}); ok {
		t.Error("a position out of range is accepted")
	}
	if n := len(portal.Draw(rand.New(rand.NewPCG(1, 1)), qs, 10)); n != 3 {
		t.Errorf("drawing more than the bank has gave %d", n)
	}
}

func TestFlagRules(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, portal.CST)
	if !portal.TooFast(start, start.Add(19*time.Second), 10) {
		t.Error("10 questions in 19 s is not flagged")
	}
	if portal.TooFast(start, start.Add(20*time.Second), 10) {
		t.Error("10 questions in 20 s is flagged")
	}
	items := []portal.Item{{Q: "A", Perm: []int{1, 0, 2}}, {Q: "B", Perm: []int{0, 1}}}
	swapped := []portal.Item{{Q: "B", Perm: []int{1, 0}}, {Q: "A", Perm: []int{2, 1, 0}}}
	ans := map[string][]int{"A": {2}, "B": {0}}
	if portal.SheetKey(items, ans) != portal.SheetKey(swapped, ans) {
		t.Error("the same answers in another order are not the same sheet")
	}
	if portal.SheetKey(items, ans) == portal.SheetKey(items, map[string][]int{"A": {1}, "B": {0}}) {
		t.Error("different answers give the same sheet")
	}
	if got := portal.FlagNames(portal.FlagFast | portal.FlagIdentical); !slices.Equal(got, []string{"QuizFlagFast", "QuizFlagIdentical"}) {
		t.Errorf("FlagNames = %v", got)
	}
}

func TestQuestionCheck(t *testing.T) {
	ok := portal.Question{ID: "X", Kind: portal.SingleChoice, Band: "junior", Tags: []string{"law"}, Text: "?",
		Options: []string{"a", "b", "c"}, Answer: []int{0}, Explanation: "e", Source: "s"}
	if m := ok.Check(); m != "" {
		t.Fatalf("a sound question: %s", m)
	}
	for name, change := range map[string]func(q *portal.Question){
		"no answer":        func(q *portal.Question) { q.Answer = nil },
		"answer off":       func(q *portal.Question) { q.Answer = []int{5} },
		"options repeated": func(q *portal.Question) { q.Options = []string{"a", "a", "c"} },
		"two for single":   func(q *portal.Question) { q.Answer = []int{0, 1} },
		"tf three options": func(q *portal.Question) { q.Kind = portal.TrueFalse },
		"multi one answer": func(q *portal.Question) { q.Kind = portal.MultipleChoice },
		"no explanation":   func(q *portal.Question) { q.Explanation = "" },
		"no source":        func(q *portal.Question) { q.Source = " " },
		"unknown band":     func(q *portal.Question) { q.Band = "college" },
		"unknown tag":      func(q *portal.Question) { q.Tags = []string{"misc"} },
	} {
		q := ok
		q.Options = slices.Clone(ok.Options)
		change(&q)
		if q.Check() == "" {
			t.Errorf("%s: accepted", name)
		}
	}
}

func BenchmarkScore(b *testing.B) {
	bank := bankOf(single, multi, tf)
	items := []portal.Item{{Q: "S"}, {Q: "M"}, {Q: "T"}, {Q: "S"}, {Q: "M"}, {Q: "T"}, {Q: "S"}, {Q: "M"}, {Q: "T"}, {Q: "S"}}
	answers := map[string][]int{"S": {1}, "M": {0, 2, 3}, "T": {0}}
	for b.Loop() {
		portal.Score(bank, items, answers)
	}
}

func TestSuppress(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		want   []bool
	}{
		{[]int{12, 30, 8}, []bool{false, false, false}},
		// One school of 4 beside the total: the smallest other one goes too.
		{[]int{4, 6, 30}, []bool{true, true, false}},
		// An empty group gives nothing away and hides nothing else.
		{[]int{0, 6, 30}, []bool{true, false, false}},
		// Two small groups of 3 add up to 6: their figure together is no single small group.
		{[]int{3, 3, 30}, []bool{true, true, false}},
		{[]int{2, 2, 30, 9}, []bool{true, true, false, true}},
		{[]int{4}, []bool{true}},
	} {
		if got := portal.Suppress(tc.counts); !slices.Equal(got, tc.want) {
			t.Errorf("Suppress(%v) = %v, want %v", tc.counts, got, tc.want)
		}
	}
	all, verified := portal.SuppressGroups([]portal.Awareness{
		{Students: 4, VerifiedStudents: 4}, {Students: 20, VerifiedStudents: 18}, {Students: 9, VerifiedStudents: 9},
		{Students: 30, VerifiedStudents: 3},
	})
	if want := []bool{true, false, true, false}; !slices.Equal(all, want) {
		t.Errorf("SuppressGroups all = %v, want %v", all, want)
	}
	// Verified: 4 (hidden with its group) + 9 (hidden with its group) + 3 = 16 hidden: enough.
	if want := []bool{true, false, true, true}; !slices.Equal(verified, want) {
		t.Errorf("SuppressGroups verified = %v, want %v", verified, want)
	}
}

// TestBandGrades checks that the grades of a band are the grades Band maps to it.
func TestBandGrades(t *testing.T) {
	for g := 1; g <= 12; g++ {
		first, last := portal.BandGrades(portal.Band(g))
		if g < first || g > last {
			t.Errorf("grade %d is in band %s, whose grades are %d–%d", g, portal.Band(g), first, last)
		}
		for _, other := range []int{first, last} {
			if portal.Band(other) != portal.Band(g) {
				t.Errorf("band %s's grade %d maps to %s", portal.Band(g), other, portal.Band(other))
			}
		}
	}
}
