// Package content holds the portal's embedded, read-only content: the message catalogues
// (zh-CN and en) and, later, the activity catalogue, lessons and question banks. It is
// loaded and checked once at start; a bad file stops start-up naming the file.
package content

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	"github.com/jinducity/portal"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml activities/*.toml
var files embed.FS

// Languages are the languages of the portal, the default first.
var Languages = []string{"zh-CN", "en"}

// Content is the loaded content.
type Content struct {
	Bundle *i18n.Bundle
	// IDs lists every message ID per language, for checks.
	IDs map[string]map[string]bool
	// Plain holds, per language, the messages that are plain text (no template, no
	// plural forms), and Templates the parsed ones with data but no plural forms: pages
	// show both without going through the localizer, which matches the language again
	// for every message.
	Plain     map[string]map[string]string
	Templates map[string]map[string]*template.Template
	// Fills holds the templated messages that only insert values ({{.Name}}), which
	// is most of them, split at the values: filled by concatenation, they cost a tenth
	// of executing the template (a result page shows ten).
	Fills map[string]map[string]Fill
	// Activities is the activity catalogue (content/activities).
	Activities *portal.ActivityCatalogue
	// Lessons and Bank are the lessons (lessons.go) and the question bank (quizzes.go).
	Lessons []*Lesson
	Bank    *Bank
}

// Load reads and checks every embedded file.
func Load() (*Content, error) {
	c, err := load(files)
	if err != nil {
		return nil, err
	}
	if c.Lessons, err = loadLessons(lessonFiles); err != nil {
		return nil, err
	}
	if c.Bank, err = loadBank(bankFiles); err != nil {
		return nil, err
	}
	return c, nil
}

func load(fsys fs.FS) (*Content, error) {
	b := i18n.NewBundle(language.MustParse(Languages[0]))
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Content{Bundle: b, IDs: map[string]map[string]bool{}, Plain: map[string]map[string]string{},
		Templates: map[string]map[string]*template.Template{}, Fills: map[string]map[string]Fill{}}
	for _, l := range Languages {
		c.IDs[l] = map[string]bool{}
		c.Plain[l] = map[string]string{}
		c.Templates[l] = map[string]*template.Template{}
		c.Fills[l] = map[string]Fill{}
	}
	names, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		lang := langOf(name)
		if _, ok := c.IDs[lang]; !ok {
			return nil, fmt.Errorf("content: %s: file name must end in .zh-CN.toml or .en.toml", name)
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("content: %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			if c.IDs[lang][m.ID] {
				return nil, fmt.Errorf("content: %s: message %q defined twice", name, m.ID)
			}
			if m.Other == "" {
				return nil, fmt.Errorf("content: %s: message %q has no text", name, m.ID)
			}
			c.IDs[lang][m.ID] = true
			if m.One == "" && m.Few == "" && m.Many == "" && m.Two == "" && m.Zero == "" {
				if !strings.Contains(m.Other, "{{") {
					c.Plain[lang][m.ID] = m.Other
				} else if t, err := template.New(m.ID).Option("missingkey=zero").Parse(m.Other); err == nil {
					c.Templates[lang][m.ID] = t
					if f, ok := parseFill(m.Other); ok {
						c.Fills[lang][m.ID] = f
					}
				}
			}
		}
	}
	for id := range c.IDs["zh-CN"] {
		if !c.IDs["en"][id] {
			return nil, fmt.Errorf("content: message %q has no English text", id)
		}
	}
	for id := range c.IDs["en"] {
		if !c.IDs["zh-CN"][id] {
			return nil, fmt.Errorf("content: message %q has no Chinese text", id)
		}
	}
	if c.Activities, err = loadActivities(fsys); err != nil {
		return nil, err
	}
	for _, k := range portal.RequestActivities {
		if c.Activities.Type(k) == nil {
			return nil, fmt.Errorf("content: volunteer request kind %q is not in the activity catalogue", k)
		}
	}
	return c, nil
}

// langOf returns the language of a catalogue file named area.LANG.toml.
func langOf(name string) string {
	base := strings.TrimSuffix(path.Base(name), ".toml")
	if i := strings.Index(base, "."); i >= 0 {
		return base[i+1:]
	}
	return ""
}
