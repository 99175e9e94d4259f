package handlers_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jinducity/portal/content"
)

// messageUses finds message IDs written as literals where the code translates them.
var messageUses = []*regexp.Regexp{
	regexp.MustCompile(`\bT\(ctx, "([A-Za-z0-9_]+)"[,)]`),
	regexp.MustCompile(`\bMsg\("([A-Za-z0-9_]+)"[,)]`),
	regexp.MustCompile(`\bAddID\("[^"]*", "([A-Za-z0-9_]+)"\)`),
	regexp.MustCompile(`\bErrorf\([a-zA-Z.]+, "([A-Za-z0-9_]+)"\)`),
	regexp.MustCompile(`\bredirect\(w, r, [^,]+, "([A-Za-z0-9_]+)"\)`),
	regexp.MustCompile(`\bMessage = "([A-Za-z0-9_]+)"`),
	regexp.MustCompile(`\bfail\("([A-Za-z0-9_]+)"`),
	regexp.MustCompile(`\bsetFlash\([^,]+, [^,]+, "([A-Za-z0-9_]+)"\)`),
}

// TestEveryMessageIDExists reads the sources and fails on any literal message ID that
// the catalogues lack, so a typo cannot show a raw ID to a user.
func TestEveryMessageIDExists(t *testing.T) {
	c, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "data" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") ||
			!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range messageUses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				seen++
				for _, lang := range content.Languages {
					if !c.IDs[lang][m[1]] {
						t.Errorf("%s: message %q is not in the %s catalogue", path, m[1], lang)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 50 {
		t.Fatalf("found only %d message uses; is the pattern list still right?", seen)
	}
}
