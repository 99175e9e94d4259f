package content

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/jinducity/portal"
)

//go:embed quizzes/*.toml
var bankFiles embed.FS

// Bank is the question bank: every question by ID, and in file order.
type Bank struct {
	ByID map[string]*portal.Question
	All  []*portal.Question
}

// Pick returns the questions of a band carrying any of tags (all of the band when tags
// is empty), in bank order.
func (b *Bank) Pick(band string, tags []string) []*portal.Question {
	var out []*portal.Question
	for _, q := range b.All {
		if q.Band == band && q.HasTag(tags) {
			out = append(out, q)
		}
	}
	return out
}

// Tags returns every tag used in the bank, sorted.
func (b *Bank) Tags() []string {
	set := map[string]bool{}
	for _, q := range b.All {
		for _, t := range q.Tags {
			set[t] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// bankFile is the TOML form of a bank file. A file may set a default band.
type bankFile struct {
	Band     string         `toml:"band"`
	Question []bankQuestion `toml:"q"`
}

// bankQuestion is one question as written: the right answer as option letters ("B",
// "AC"), or "T"/"F" for a true/false question, whose options default to 正确/错误.
type bankQuestion struct {
	ID      string   `toml:"id"`
	Kind    string   `toml:"kind"`
	Band    string   `toml:"band"`
	Tags    []string `toml:"tags"`
	Text    string   `toml:"text"`
	Options []string `toml:"options"`
	Answer  string   `toml:"answer"`
	Explain string   `toml:"explain"`
	Source  string   `toml:"source"`
}

// trueFalse are the options of a true/false question.
var trueFalse = []string{"正确", "错误"}

// loadBank reads every quizzes/*.toml file and checks each question; the first problem
// stops start-up naming the file and the question.
func loadBank(fsys fs.FS) (*Bank, error) {
	names, err := fs.Glob(fsys, "quizzes/*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	b := &Bank{ByID: map[string]*portal.Question{}}
	where := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f bankFile
		md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
		if err != nil {
			return nil, fmt.Errorf("content: %s: %w", name, err)
		}
		if un := md.Undecoded(); len(un) > 0 {
			return nil, fmt.Errorf("content: %s: unknown key %s", name, un[0])
		}
		for i, bq := range f.Question {
			q, err := bq.question(f.Band)
			label := bq.ID
			if label == "" {
				label = fmt.Sprintf("#%d", i+1)
			}
			if err == "" {
				err = q.Check()
			}
			if err != "" {
				return nil, fmt.Errorf("content: %s: question %s: %s", name, label, err)
			}
			if prev, dup := where[q.ID]; dup {
				return nil, fmt.Errorf("content: %s: question %s: duplicate id (first in %s)", name, q.ID, prev)
			}
			where[q.ID] = name
			b.ByID[q.ID] = q
			b.All = append(b.All, q)
		}
	}
	return b, nil
}

func (bq bankQuestion) question(band string) (*portal.Question, string) {
	q := &portal.Question{ID: strings.TrimSpace(bq.ID), Kind: portal.QuestionKind(bq.Kind), Band: bq.Band, Tags: bq.Tags,
		Text: strings.TrimSpace(bq.Text), Options: bq.Options, Explanation: strings.TrimSpace(bq.Explain),
		Source: strings.TrimSpace(bq.Source)}
	if q.Band == "" {
		q.Band = band
	}
	ans := strings.ToUpper(strings.TrimSpace(bq.Answer))
	if q.Kind == portal.TrueFalse {
		if len(q.Options) == 0 {
			q.Options = slices.Clone(trueFalse)
		}
		switch ans {
		case "T":
			ans = "A"
		case "F":
			ans = "B"
		default:
			return nil, fmt.Sprintf("true/false answer %q, want T or F", bq.Answer)
		}
	}
	for _, r := range ans {
		if r < 'A' || r > 'Z' {
			return nil, fmt.Sprintf("answer %q is not option letters", bq.Answer)
		}
		q.Answer = append(q.Answer, int(r-'A'))
	}
	slices.Sort(q.Answer)
	if len(slices.Compact(slices.Clone(q.Answer))) != len(q.Answer) {
		return nil, fmt.Sprintf("answer %q repeats a letter", bq.Answer)
	}
	return q, ""
}
