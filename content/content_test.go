package content

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

func TestLoadEmbedded(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	if !c.IDs["zh-CN"]["AppName"] || !c.IDs["en"]["AppName"] {
		t.Fatalf("AppName missing from the catalogues")
	}
}

func TestLoadRejectsBadCatalogues(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"missing English", fstest.MapFS{
			"locales/a.zh-CN.toml": {Data: []byte(`Hello = "你好"`)},
			"locales/a.en.toml":    {Data: []byte(``)},
		}, `"Hello" has no English text`},
		{"missing Chinese", fstest.MapFS{
			"locales/a.zh-CN.toml": {Data: []byte(``)},
			"locales/a.en.toml":    {Data: []byte(`Hello = "hi"`)},
		}, `"Hello" has no Chinese text`},
		{"defined twice", fstest.MapFS{
			"locales/a.zh-CN.toml": {Data: []byte(`Hello = "你好"`)},
			"locales/b.zh-CN.toml": {Data: []byte(`Hello = "您好"`)},
			"locales/a.en.toml":    {Data: []byte(`Hello = "hi"`)},
		}, `locales/b.zh-CN.toml: message "Hello" defined twice`},
		{"bad TOML", fstest.MapFS{
			"locales/a.zh-CN.toml": {Data: []byte(`Hello = `)},
		}, `locales/a.zh-CN.toml`},
		{"unknown language", fstest.MapFS{
			"locales/a.fr.toml": {Data: []byte(`Hello = "salut"`)},
		}, `locales/a.fr.toml: file name must end in`},
	}
	for _, tt := range tests {
		_, err := load(tt.files)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: load() = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestBankValidatorNamesFileAndQuestion(t *testing.T) {
	good := `band = "junior"
[[q]]
id = "G1"
kind = "single"
tags = ["law"]
text = "?"
options = ["a", "b", "c"]
answer = "A"
explain = "e"
source = "s"
`
	tests := []struct {
		name, file, want string
	}{
		{"no right answer", `[[q]]
id = "B7"
kind = "single"
band = "junior"
tags = ["law"]
text = "?"
options = ["a", "b", "c"]
answer = ""
explain = "e"
source = "s"`, "quizzes/bad.toml: question B7: no right answer"},
		{"options repeated", `[[q]]
id = "B8"
kind = "single"
band = "junior"
tags = ["law"]
text = "?"
options = ["a", "a", "c"]
answer = "A"
explain = "e"
source = "s"`, "quizzes/bad.toml: question B8: option \"a\" twice"},
		{"duplicate id", good, "quizzes/bad.toml: question G1: duplicate id (first in quizzes/a.toml)"},
		{"true/false with three options", `[[q]]
id = "B9"
kind = "truefalse"
band = "primary"
tags = ["law"]
text = "?"
options = ["对", "错", "不知道"]
answer = "T"
explain = "e"
source = "s"`, "quizzes/bad.toml: question B9: a true/false question needs exactly two options"},
		{"answer letter out of range", `[[q]]
id = "B10"
kind = "multiple"
band = "senior"
tags = ["law"]
text = "?"
options = ["a", "b", "c"]
answer = "AD"
explain = "e"
source = "s"`, "quizzes/bad.toml: question B10: the right answer is not one of the options"},
	}
	for _, tt := range tests {
		_, err := loadBank(fstest.MapFS{"quizzes/a.toml": {Data: []byte(good)}, "quizzes/bad.toml": {Data: []byte(tt.file)}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: loadBank() = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := loadBank(fstest.MapFS{"quizzes/a.toml": {Data: []byte(good)}}); err != nil {
		t.Errorf("a good bank: %v", err)
	}
}

func TestEmbeddedBankAndLessons(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d lessons, %d questions", len(c.Lessons), len(c.Bank.All))
	for _, band := range []string{"primary", "junior", "senior"} {
		if len(c.Bank.Pick(band, nil)) < 10 {
			t.Errorf("band %s has fewer than 10 questions", band)
		}
	}
	for _, tag := range c.Bank.Tags() {
		if !c.IDs["zh-CN"]["QuizTag_"+tag] {
			t.Errorf("tag %s has no name in the catalogue", tag)
		}
	}
}

// TestFastMessagesMatchLocalizer checks that the messages pages show without the
// localizer (plain texts, parsed templates) read exactly as go-i18n renders them.
func TestFastMessagesMatchLocalizer(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	field := regexp.MustCompile(`\.(\w+)`)
	for _, lang := range Languages {
		loc := i18n.NewLocalizer(c.Bundle, lang)
		for id, msg := range c.Plain[lang] {
			if got := loc.MustLocalize(&i18n.LocalizeConfig{MessageID: id}); got != msg {
				t.Errorf("%s %s: plain %q, localizer %q", lang, id, msg, got)
			}
		}
		if len(c.Templates[lang]) == 0 {
			t.Fatalf("%s: no templated messages found", lang)
		}
		for id, tmpl := range c.Templates[lang] {
			data := map[string]any{}
			for i, m := range field.FindAllStringSubmatch(tmpl.Root.String(), -1) {
				data[m[1]] = i + 7
			}
			var b strings.Builder
			if err := tmpl.Execute(&b, data); err != nil {
				t.Fatalf("%s %s: %v", lang, id, err)
			}
			if got := loc.MustLocalize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data}); got != b.String() {
				t.Errorf("%s %s: template %q, localizer %q", lang, id, b.String(), got)
			}
			if f, ok := c.Fills[lang][id]; ok {
				// Strings, numbers, a missing value and a nil one, as pages pass them.
				for _, d := range []map[string]any{data, stringsOf(data), {}, nilsOf(data)} {
					var want strings.Builder
					if err := tmpl.Execute(&want, d); err != nil {
						t.Fatal(err)
					}
					if got := f.Execute(d); got != want.String() {
						t.Errorf("%s %s: filled %q, template %q", lang, id, got, want.String())
					}
				}
			}
		}
		if len(c.Fills[lang]) < len(c.Templates[lang])/2 {
			t.Errorf("%s: only %d of %d templates are filled without text/template", lang, len(c.Fills[lang]),
				len(c.Templates[lang]))
		}
	}
}

func stringsOf(data map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range data {
		out[k] = fmt.Sprint("«", v, "» & <b>")
	}
	return out
}

func nilsOf(data map[string]any) map[string]any {
	out := map[string]any{}
	for k := range data {
		out[k] = nil
	}
	return out
}

// TestParseFill checks which templates are split and how.
func TestParseFill(t *testing.T) {
	for src, want := range map[string]string{
		"共 {{.N}} 所学校":               "共 |N| 所学校",
		"{{ .Yours }}，正确：{{.Right}}": "|Yours|，正确：|Right|",
		"no fields":                  "no fields",
	} {
		f, ok := parseFill(src)
		if !ok {
			t.Errorf("%q not split", src)
			continue
		}
		var parts []string
		for _, p := range f {
			parts = append(parts, p.Text)
			if p.Key != "" {
				parts = append(parts, p.Key)
			}
		}
		if got := strings.Join(parts, "|"); got != want {
			t.Errorf("%q split as %q, want %q", src, got, want)
		}
	}
	for _, src := range []string{"{{if .A}}x{{end}}", "{{.A | printf \"%d\"}}", "{{- .A}}", "{{.A.B}}", "a }} b"} {
		if _, ok := parseFill(src); ok {
			t.Errorf("%q was split; it needs text/template", src)
		}
	}
}
