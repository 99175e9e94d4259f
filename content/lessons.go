package content

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/jinducity/portal"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

//go:embed lessons/*.md
var lessonFiles embed.FS

// Lesson is a lesson rendered once at start. HTML comes from our own embedded Markdown
// (raw HTML in it is not rendered), never from users.
type Lesson = portal.Lesson

// lessonMeta is a lesson's front matter, TOML between lines of "+++".
type lessonMeta struct {
	Title   string   `toml:"title"`
	TitleEn string   `toml:"title_en"`
	Band    string   `toml:"band"`
	Minutes int      `toml:"minutes"`
	Order   int      `toml:"order"`
	Tags    []string `toml:"tags"`
	Sources []string `toml:"sources"`
}

// loadLessons reads and renders every lessons/*.md file, ordered by band and order.
func loadLessons(fsys fs.FS) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, "lessons/*.md")
	if err != nil {
		return nil, err
	}
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	var out []*Lesson
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		l, err := parseLesson(md, name, data)
		if err != nil {
			return nil, fmt.Errorf("content: %s: %w", name, err)
		}
		out = append(out, l)
	}
	band := map[string]int{}
	for i, b := range portal.Bands {
		band[b] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Band != out[j].Band {
			return band[out[i].Band] < band[out[j].Band]
		}
		return out[i].Order < out[j].Order
	})
	return out, nil
}

func parseLesson(md goldmark.Markdown, name string, data []byte) (*Lesson, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "+++\n") {
		return nil, fmt.Errorf("front matter missing: start the file with +++")
	}
	front, body, ok := strings.Cut(text[4:], "\n+++\n")
	if !ok {
		return nil, fmt.Errorf("front matter not closed with +++")
	}
	var m lessonMeta
	meta, err := toml.Decode(front, &m)
	if err != nil {
		return nil, err
	}
	if un := meta.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("unknown key %s", un[0])
	}
	switch {
	case strings.TrimSpace(m.Title) == "" || strings.TrimSpace(m.TitleEn) == "":
		return nil, fmt.Errorf("title and title_en are required")
	case !portal.ValidBand(m.Band):
		return nil, fmt.Errorf("unknown band %q", m.Band)
	case m.Minutes < 1 || m.Minutes > 90:
		return nil, fmt.Errorf("minutes %d out of 1–90", m.Minutes)
	case len(m.Sources) == 0:
		return nil, fmt.Errorf("no sources")
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(body), &buf); err != nil {
		return nil, err
	}
	return &Lesson{Slug: strings.TrimSuffix(path.Base(name), ".md"), Title: m.Title, TitleEn: m.TitleEn, Band: m.Band,
		Minutes: m.Minutes, Order: m.Order, Tags: m.Tags, Sources: m.Sources, HTML: buf.String()}, nil
}

// Lesson returns the lesson with the slug, or nil.
func (c *Content) Lesson(slug string) *Lesson {
	for _, l := range c.Lessons {
		if l.Slug == slug {
			return l
		}
	}
	return nil
}

// LessonsFor returns the lessons of a band.
func (c *Content) LessonsFor(band string) []*Lesson {
	var out []*Lesson
	for _, l := range c.Lessons {
		if l.Band == band {
			out = append(out, l)
		}
	}
	return out
}
