package content

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/BurntSushi/toml"
	"github.com/jinducity/portal"
)

// activitiesFile is the activity catalogue: the ten activities in official order and the
// other kinds of prevention activity.
const activitiesFile = "activities/catalogue.toml"

// TenActivities is how many activities the catalogue's [[ten]] must list.
const TenActivities = 10

type activityEntry struct {
	Key        string `toml:"key"`
	Name       string `toml:"name"`
	NameEn     string `toml:"name_en"`
	Desc       string `toml:"desc"`
	DescEn     string `toml:"desc_en"`
	Evidence   string `toml:"evidence"`
	EvidenceEn string `toml:"evidence_en"`
	Applies    string `toml:"applies"`
}

var activityKey = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// loadActivities reads and checks the activity catalogue. A problem names the file and
// the item.
func loadActivities(fsys fs.FS) (*portal.ActivityCatalogue, error) {
	data, err := fs.ReadFile(fsys, activitiesFile)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	var file struct {
		Ten   []activityEntry `toml:"ten"`
		Other []activityEntry `toml:"other"`
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&file)
	if err != nil {
		return nil, fmt.Errorf("content: %s: %w", activitiesFile, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("content: %s: unknown field %q", activitiesFile, un[0].String())
	}
	if len(file.Ten) != TenActivities {
		return nil, fmt.Errorf("content: %s: [[ten]] lists %d activities, want %d", activitiesFile, len(file.Ten), TenActivities)
	}
	seen := map[string]bool{}
	convert := func(section string, i int, e activityEntry) (portal.ActivityType, error) {
		item := fmt.Sprintf("%s: [[%s]] #%d (%q)", activitiesFile, section, i+1, e.Key)
		switch {
		case !activityKey.MatchString(e.Key):
			return portal.ActivityType{}, fmt.Errorf("content: %s: key must be lower-case words joined by '-'", item)
		case seen[e.Key]:
			return portal.ActivityType{}, fmt.Errorf("content: %s: key defined twice", item)
		case e.Name == "" || e.NameEn == "":
			return portal.ActivityType{}, fmt.Errorf("content: %s: name and name_en are required", item)
		case e.Desc == "" || e.DescEn == "":
			return portal.ActivityType{}, fmt.Errorf("content: %s: desc and desc_en are required", item)
		case e.Evidence == "" || e.EvidenceEn == "":
			return portal.ActivityType{}, fmt.Errorf("content: %s: evidence and evidence_en are required", item)
		case e.Applies != "" && e.Applies != "all" && e.Applies != "graduating":
			return portal.ActivityType{}, fmt.Errorf("content: %s: applies must be \"all\" or \"graduating\", not %q", item, e.Applies)
		}
		seen[e.Key] = true
		return portal.ActivityType{Key: e.Key, Name: e.Name, NameEn: e.NameEn, Desc: e.Desc, DescEn: e.DescEn,
			Evidence: e.Evidence, EvidenceEn: e.EvidenceEn, GraduatingOnly: e.Applies == "graduating"}, nil
	}
	var ten, other []portal.ActivityType
	for i, e := range file.Ten {
		t, err := convert("ten", i, e)
		if err != nil {
			return nil, err
		}
		ten = append(ten, t)
	}
	for i, e := range file.Other {
		t, err := convert("other", i, e)
		if err != nil {
			return nil, err
		}
		other = append(other, t)
	}
	return portal.NewActivityCatalogue(ten, other), nil
}

// Activities returns the embedded activity catalogue alone, for programs that need it
// without the message catalogues (the demo seed).
func Activities() (*portal.ActivityCatalogue, error) { return loadActivities(files) }
