package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jinducity/portal/handlers"
)

// With the files in the database (several servers, no shared folder), a photo uploaded
// is stored there whole, served from there, and deleted with its record; a record that
// fails to save leaves no file behind.
func TestActivityPhotosInTheDatabase(t *testing.T) {
	e := mustEnv(t, func(c *handlers.Config) { c.Files = c.Store.Files() })
	files := e.Store.Files()
	school := teacherSchoolID(t, e, "teacher")
	c := e.login("teacher")
	res := c.postMultipart("/school/activities?year=2026", validForm(t, e, school), upload{"photos", "p.png", testPNG(t, 800, 600)})
	wantStatus(t, "create", res, http.StatusSeeOther)
	names, err := files.Names()
	if err != nil || len(names) != 2 {
		t.Fatalf("files in the database = %v, %v; want a photo and its thumbnail", names, err)
	}
	list, _ := e.Store.ListActivities(context.Background(), school, 2026)
	var id, photo int64
	var name string
	for _, a := range list {
		if a.Title == "民警进校园法制课" && len(a.Photos()) == 1 {
			id, photo, name = a.ID, a.Photos()[0].ID, a.Photos()[0].Name
		}
	}
	if photo == 0 {
		t.Fatal("no record with the photo")
	}
	full := c.get(views_FileURL(photo, false))
	wantStatus(t, "photo", full, http.StatusOK)
	stored, err := files.Read(name)
	if err != nil || !bytes.Equal(stored, []byte(full.Body)) || !bytes.HasPrefix(stored, []byte{0xFF, 0xD8}) {
		t.Fatalf("served photo (%d bytes) is not the stored JPEG (%d bytes, %v)", len(full.Body), len(stored), err)
	}
	res = c.post("/school/activities/"+itoa(int(id))+"/delete", url.Values{})
	wantStatus(t, "delete", res, http.StatusSeeOther)
	if names, _ := files.Names(); len(names) != 0 {
		t.Errorf("files left after deleting the record: %v", names)
	}
	wantStatus(t, "photo after delete", c.get(views_FileURL(photo, false)), http.StatusNotFound)
}
