package content

import (
	"fmt"
	"regexp"
	"strings"
)

// Fill is a message template that only inserts values: literal text and {{.Name}}
// actions, nothing else. Execute gives what text/template gives for it.
type Fill []FillPart

// FillPart is literal text followed by the value of a field (none when Key is "").
type FillPart struct{ Text, Key string }

var fillAction = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// parseFill splits a template into literal text and fields, if it has no other action.
func parseFill(src string) (Fill, bool) {
	var f Fill
	for {
		m := fillAction.FindStringSubmatchIndex(src)
		if m == nil {
			break
		}
		f = append(f, FillPart{Text: src[:m[0]], Key: src[m[2]:m[3]]})
		src = src[m[1]:]
	}
	if strings.Contains(src, "{{") || strings.Contains(src, "}}") {
		return nil, false
	}
	for _, p := range f {
		if strings.Contains(p.Text, "{{") || strings.Contains(p.Text, "}}") {
			return nil, false
		}
	}
	return append(f, FillPart{Text: src}), true
}

// Execute fills the template with data. A missing or nil value reads "<no value>", as
// text/template writes it.
func (f Fill) Execute(data map[string]any) string {
	var b strings.Builder
	for _, p := range f {
		b.WriteString(p.Text)
		if p.Key == "" {
			continue
		}
		switch v := data[p.Key].(type) {
		case nil:
			b.WriteString("<no value>")
		case string:
			b.WriteString(v)
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}
