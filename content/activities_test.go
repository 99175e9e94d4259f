package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

// officialOrder is the order of the ten activities that /api/v1/stats promises.
var officialOrder = []string{"law-class", "class-meeting", "reflection", "newspaper", "flag-oath", "film",
	"parent-letter", "graduate-oath", "base-visit", "essay-contest"}

func TestActivityCatalogueEmbedded(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cat := c.Activities
	if len(cat.Ten) != len(officialOrder) {
		t.Fatalf("ten = %d activities, want %d", len(cat.Ten), len(officialOrder))
	}
	for i, key := range officialOrder {
		a := cat.Ten[i]
		if a.Key != key || !a.Ten {
			t.Errorf("ten[%d] = %q (ten %v), want %q", i, a.Key, a.Ten, key)
		}
		if a.GraduatingOnly != (key == "graduate-oath") {
			t.Errorf("%s: GraduatingOnly = %v", key, a.GraduatingOnly)
		}
	}
	if cat.Ten[0].Name != "上一堂禁毒知识法制课" {
		t.Errorf("law-class name = %q, want the contract's 上一堂禁毒知识法制课", cat.Ten[0].Name)
	}
	if len(cat.Other) == 0 || cat.Type("lecture") == nil || cat.Type("lecture").Ten {
		t.Errorf("other kinds missing or counted among the ten: %+v", cat.Other)
	}
	if cat.Type("no-such") != nil {
		t.Error("unknown key found")
	}
}

func TestActivityCatalogueRejectsBadFiles(t *testing.T) {
	good, err := files.ReadFile(activitiesFile)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"missing English name", `name_en = "A drug-prevention film"`, ``, `[[ten]] #6 ("film"): name and name_en are required`},
		{"duplicate key", `key = "film"`, `key = "law-class"`, `[[ten]] #6 ("law-class"): key defined twice`},
		{"bad applies", "applies = \"graduating\"\n", "applies = \"seniors\"\n", `("graduate-oath"): applies must be`},
		{"bad key", `key = "lecture"`, `key = "Lecture Talk"`, `[[other]] #1 ("Lecture Talk"): key must be`},
		{"unknown field", "applies = \"graduating\"\n", "applys = \"graduating\"\n", `unknown field "ten.applys"`},
		{"nine activities", "[[ten]]\nkey = \"film\"", "[[other]]\nkey = \"film\"", `[[ten]] lists 9 activities, want 10`},
		{"bad TOML", `key = "film"`, `key = `, activitiesFile},
	}
	for _, tt := range tests {
		data := strings.Replace(string(good), tt.from, tt.to, 1)
		if data == string(good) {
			t.Fatalf("%s: %q not found in the catalogue", tt.name, tt.from)
		}
		_, err := loadActivities(fstest.MapFS{activitiesFile: {Data: []byte(data)}})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), activitiesFile) {
			t.Errorf("%s: loadActivities() = %v, want an error naming the file and containing %q", tt.name, err, tt.want)
		}
	}
}
