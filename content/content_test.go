package content

import (
	"strings"
	"testing"
	"testing/fstest"
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
